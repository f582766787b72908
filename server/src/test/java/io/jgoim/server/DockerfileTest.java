package io.jgoim.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/docker/Dockerfile checked statically (no Docker engine runs here): a JRE base image named with an explicit
 * tag, the shaded jar the build produces, a non-root user, exec-form entry point (java is PID 1 and gets SIGTERM),
 * and EXPOSEd ports that are the nodes' default ports.
 */
class DockerfileTest {
    static final Path DOCKERFILE = DeployFiles.DEPLOY.resolve("docker/Dockerfile");

    private static List<String[]> instructions;

    @BeforeAll
    static void parse() throws Exception {
        instructions = instructions(DOCKERFILE);
    }

    /** Instructions as {keyword, arguments}, continuation lines joined, comments dropped. */
    static List<String[]> instructions(Path file) throws Exception {
        List<String[]> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && cur.length() == 0)) {
                continue;
            }
            if (t.endsWith("\\")) {
                cur.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            cur.append(t);
            String s = cur.toString().strip();
            cur.setLength(0);
            if (!s.isEmpty()) {
                int sp = s.indexOf(' ');
                out.add(new String[]{s.substring(0, sp).toUpperCase(), s.substring(sp + 1).strip()});
            }
        }
        return out;
    }

    private static List<String> args(String keyword) {
        List<String> out = new ArrayList<>();
        instructions.stream().filter(i -> i[0].equals(keyword)).forEach(i -> out.add(i[1]));
        return out;
    }

    /** The numeric user the image runs as (Kubernetes' runAsUser must match it). */
    static long user() throws Exception {
        List<String> users = new ArrayList<>();
        instructions(DOCKERFILE).stream().filter(i -> i[0].equals("USER")).forEach(i -> users.add(i[1]));
        assertThat(users).as("USER instructions in the Dockerfile").isNotEmpty();
        String last = users.get(users.size() - 1);
        return Long.parseLong(last.split(":")[0]);
    }

    @Test
    void shouldStartFromANamedJreImageWithAnExplicitTagAtTheCompiledJavaRelease() throws Exception {
        List<String> from = args("FROM");
        assertThat(from).as("one stage").hasSize(1);
        Matcher m = Pattern.compile("([a-z0-9./-]+):([A-Za-z0-9._-]+)(@sha256:[0-9a-f]{64})?").matcher(from.get(0));
        assertThat(m.matches()).as("FROM %s names an image with a tag", from.get(0)).isTrue();
        String tag = m.group(2);
        assertThat(tag).as("an explicit tag, not latest").isNotEqualTo("latest");
        assertThat(tag).as("a JRE, not a JDK").contains("jre");
        Matcher major = Pattern.compile("^(\\d+)").matcher(tag);
        assertThat(major.find()).as("the tag starts with the Java version: %s", tag).isTrue();
        assertThat(Integer.parseInt(major.group(1))).as("the JRE runs what the build compiles for")
                .isGreaterThanOrEqualTo(DeployFiles.javaRelease());
    }

    @Test
    void shouldCopyTheShadedJarAndRunItWithTheExecFormSoJavaGetsSigterm() throws Exception {
        String jar = DeployFiles.shadedJar();
        String copied = null;
        for (String copy : args("COPY")) {
            String[] words = copy.replaceAll("--\\S+", "").strip().split("\\s+");
            if (words[0].equals(jar)) {
                copied = words[words.length - 1];
            }
        }
        assertThat(copied).as("a COPY of %s (the jar the build produces)", jar).isNotNull();
        List<String> entry = args("ENTRYPOINT");
        assertThat(entry).hasSize(1);
        assertThat(entry.get(0)).as("exec form (a JSON array): java is PID 1 and receives SIGTERM itself")
                .startsWith("[\"java\"");
        assertThat(entry.get(0)).contains("\"-jar\", \"" + copied + "\"");
        String ignore = Files.readString(DOCKERFILE.resolveSibling("Dockerfile.dockerignore"));
        assertThat(ignore).as("the build context lets the jar through").contains("!" + jar);
    }

    @Test
    void shouldRunAsANonRootUser() throws Exception {
        assertThat(user()).as("USER is a numeric non-root id").isPositive();
    }

    @Test
    void shouldExposeExactlyTheNodesDefaultPorts() {
        Set<Integer> exposed = new TreeSet<>();
        args("EXPOSE").forEach(e -> {
            for (String p : e.split("\\s+")) {
                exposed.add(Integer.parseInt(p.replace("/tcp", "")));
            }
        });
        Set<Integer> opened = new TreeSet<>();
        Set<Integer> known = new TreeSet<>();
        for (String role : new TreeSet<>(NodeShape.ROLES)) {
            NodeShape shape = NodeShape.load(role, null, Map.of());
            opened.addAll(shape.enabledPorts());
            shape.listeners().values().forEach(l -> known.add(l.port()));
        }
        assertThat(exposed).as("every listener a node opens by default is EXPOSEd").containsAll(opened);
        assertThat(known).as("every EXPOSEd port is a node's default port").containsAll(exposed);
    }
}
