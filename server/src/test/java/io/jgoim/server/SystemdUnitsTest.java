package io.jgoim.server;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/systemd: one unit per role that runs the shaded jar with the role's config, restarts it on failure, lifts
 * the open-file limit, and gives SIGTERM's graceful stop more time than the node's config lets it take; the example
 * env files set only variables the node reads. Where systemd-analyze exists, it must find nothing wrong in a unit.
 */
class SystemdUnitsTest {
    private static final Path DIR = DeployFiles.DEPLOY.resolve("systemd");

    /** The [Service] section's settings (a repeated key keeps its last value). */
    private static Map<String, String> service(Path unit) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        boolean inService = false;
        for (String line : Files.readAllLines(unit)) {
            String t = line.strip();
            if (t.startsWith("[")) {
                inService = t.equals("[Service]");
            } else if (inService && !t.isEmpty() && !t.startsWith("#") && t.contains("=")) {
                out.put(t.substring(0, t.indexOf('=')), t.substring(t.indexOf('=') + 1));
            }
        }
        return out;
    }

    /** NAME=value lines of an env file. */
    private static Map<String, String> envFile(Path file) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.put(t.substring(0, t.indexOf('=')), t.substring(t.indexOf('=') + 1));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"comet", "logic", "job"})
    void shouldRunTheShadedJarWithTheRolesConfigAndRestartItOnFailure(String role) throws Exception {
        Map<String, String> s = service(DIR.resolve("jgoim-" + role + ".service"));
        List<String> exec = List.of(s.getOrDefault("ExecStart", "").split("\\s+"));
        assertThat(exec.get(0)).as("ExecStart runs an absolute java").startsWith("/").endsWith("/java");
        int jar = exec.indexOf("-jar");
        assertThat(jar).as("ExecStart runs a jar").isPositive();
        String built = DeployFiles.shadedJar();
        assertThat(Path.of(exec.get(jar + 1)).getFileName().toString()).as("the jar the build produces (%s)", built)
                .isEqualTo(Path.of(built).getFileName().toString());
        assertThat(exec.subList(jar + 2, exec.size())).containsExactly(role, "--config", "/etc/jgoim/" + role + ".yaml");
        assertThat(s.get("User")).as("User").isNotBlank().isNotEqualTo("root");
        assertThat(s.get("Restart")).as("Restart").isIn("on-failure", "always");
        assertThat(Long.parseLong(s.get("LimitNOFILE"))).as("LimitNOFILE: one descriptor per session")
                .isGreaterThanOrEqualTo(1_000_000L);
        assertThat(s.getOrDefault("KillSignal", "SIGTERM")).isEqualTo("SIGTERM");
        assertThat(s.get("SuccessExitStatus")).as("the JVM's exit after a handled SIGTERM").contains("143");
    }

    @ParameterizedTest
    @ValueSource(strings = {"comet", "logic", "job"})
    void shouldGiveTheGracefulStopMoreTimeThanTheConfigLetsItTake(String role) throws Exception {
        Map<String, String> s = service(DIR.resolve("jgoim-" + role + ".service"));
        assertThat(s.get("EnvironmentFile")).isEqualTo("/etc/jgoim/" + role + ".env");
        Map<String, String> env = envFile(DIR.resolve(role + ".env.example"));
        // A secret named by file:<path> is read at start: stand in for the file, which exists only on the machine.
        env.replaceAll((k, v) -> v.startsWith("file:") ? RenderedManifests.SECRET_PLACEHOLDER : v);
        Path config = DeployFiles.ROOT.resolve("configs/" + role + ".yaml");
        Duration stop;
        try {
            stop = NodeShape.load(role, config, env).stopTime();
        } catch (ConfigException e) {
            throw new AssertionError(role + ".env.example with configs/" + role + ".yaml: " + e.getMessage(), e);
        }
        long timeout = Long.parseLong(s.get("TimeoutStopSec").replace("s", ""));
        assertThat(timeout).as("jgoim-%s TimeoutStopSec > graceful stop %s + %d s", role, stop,
                DeployFiles.STOP_MARGIN_SECONDS).isGreaterThanOrEqualTo(stop.toSeconds()
                + DeployFiles.STOP_MARGIN_SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"comet", "logic", "job"})
    void shouldSetOnlyEnvironmentVariablesTheNodeReads(String role) throws Exception {
        Set<String> known = NodeShape.envNames(role);
        Matcher m = Pattern.compile("env:(JGOIM_[A-Z0-9_]+)")
                .matcher(Files.readString(DeployFiles.ROOT.resolve("configs/" + role + ".yaml")));
        while (m.find()) {
            known.add(m.group(1));
        }
        for (String name : envFile(DIR.resolve(role + ".env.example")).keySet()) {
            if (!name.equals("JDK_JAVA_OPTIONS")) {
                assertThat(known).as("%s.env.example sets %s, which names no %s config key", role, name, role)
                        .contains(name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"comet", "logic", "job"})
    void shouldPassSystemdAnalyzeVerifyWhereItExists(String role) throws Exception {
        Path unit = DIR.resolve("jgoim-" + role + ".service");
        Process p;
        try {
            p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return; // no systemd tools on this machine: the static checks above still ran
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> aboutUnit = new ArrayList<>();
        out.lines().filter(l -> l.contains(unit.getFileName().toString())).forEach(aboutUnit::add);
        assertThat(aboutUnit).as("systemd-analyze verify %s", unit.getFileName()).isEmpty();
    }
}
