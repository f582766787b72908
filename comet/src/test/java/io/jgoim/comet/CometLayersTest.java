package io.jgoim.comet;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * comet's packages are layers: a package may use only packages of lower layers (or of its own layer, without a
 * cycle). Reads the main sources and fails on a use that goes up, on a cycle, and on a package missing from
 * {@link #LAYERS}.
 */
class CometLayersTest {
    /** Bottom to top; packages on one line share a layer. "" is the root package. */
    static final List<String> LAYERS = List.of(
            "config logic",
            "metrics",
            "limit",
            "ring",
            "frame",
            "token",
            "stream",
            "index",
            "push",
            "session",
            "transport",
            "node",
            "admin",
            "");

    private static final Path SOURCES = Path.of("src/main/java/io/jgoim/comet");
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.jgoim\\.comet(\\.([a-z0-9]+))?;",
            Pattern.MULTILINE);
    /** An import or a fully qualified use of a comet type: the package segment, or none for the root. */
    private static final Pattern USE = Pattern.compile("\\bio\\.jgoim\\.comet\\.(?:([a-z0-9]+)\\.)?[A-Z]");
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void shouldKeepEveryPackageUseGoingDownTheLayers() {
        Map<String, Set<String>> edges = edges(SOURCES);
        assertThat(edges.keySet()).as("packages read").contains("config", "index", "session", "");
        assertThat(violations(edges, LAYERS)).isEmpty();
    }

    @Test
    void shouldReportAnUpwardUseACycleAndAnUnlistedPackage() {
        List<String> layers = List.of("low", "mid peer", "high");
        Map<String, Set<String>> clean = Map.of("high", Set.of("mid", "low"), "mid", Set.of("peer", "low"),
                "peer", Set.of("low"), "low", Set.of());
        assertThat(violations(clean, layers)).isEmpty();

        assertThat(violations(Map.of("low", Set.of("high"), "high", Set.of()), layers))
                .containsExactly("low -> high goes up the layers");
        assertThat(violations(Map.of("mid", Set.of("peer"), "peer", Set.of("mid")), layers))
                .containsExactly("cycle: mid -> peer -> mid");
        assertThat(violations(Map.of("low", Set.of(), "stray", Set.of("low")), layers))
                .containsExactly("stray is in no layer");
    }

    @Test
    void shouldReadImportsAndQualifiedUsesButNotComments() throws IOException {
        Path dir = Files.createTempDirectory("layers");
        try {
            Files.createDirectories(dir.resolve("a"));
            Files.writeString(dir.resolve("a/A.java"), "package io.jgoim.comet.a;\n"
                    + "import io.jgoim.comet.b.B;\n"
                    + "/** Not a use: {@link io.jgoim.comet.c.C}. */\n"
                    + "class A { io.jgoim.comet.CometServer s; // io.jgoim.comet.d.D\n}\n");
            Files.writeString(dir.resolve("R.java"), "package io.jgoim.comet;\nclass R { }\n");
            assertThat(edges(dir)).isEqualTo(Map.of("a", Set.of("b", ""), "", Set.of()));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Package (segment under io.jgoim.comet, "" for the root) to the other comet packages its sources use. */
    static Map<String, Set<String>> edges(Path root) {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String src = Files.readString(f);
                Matcher pkg = PACKAGE.matcher(src);
                if (!pkg.find()) {
                    throw new IllegalStateException(f + ": no comet package declaration");
                }
                String from = pkg.group(2) == null ? "" : pkg.group(2);
                Set<String> to = edges.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher use = USE.matcher(COMMENTS.matcher(src).replaceAll(" "));
                while (use.find()) {
                    String target = use.group(1) == null ? "" : use.group(1);
                    if (!target.equals(from)) {
                        to.add(target);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return edges;
    }

    /** What breaks the layering: uses that go up, packages in no layer, cycles (within a layer). */
    static List<String> violations(Map<String, Set<String>> edges, List<String> layers) {
        Map<String, Integer> rank = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (String p : layers.get(i).split(" ", -1)) {
                rank.put(p, i);
            }
        }
        List<String> out = new ArrayList<>();
        Set<String> packages = new TreeSet<>(edges.keySet());
        edges.values().forEach(packages::addAll);
        for (String p : packages) {
            if (!rank.containsKey(p)) {
                out.add(p + " is in no layer");
            }
        }
        for (Map.Entry<String, Set<String>> e : new TreeMap<>(edges).entrySet()) {
            for (String to : e.getValue()) {
                Integer a = rank.get(e.getKey());
                Integer b = rank.get(to);
                if (a != null && b != null && b > a) {
                    out.add(e.getKey() + " -> " + to + " goes up the layers");
                }
            }
        }
        Set<String> done = new TreeSet<>();
        for (String p : packages) {
            findCycle(p, edges, new ArrayList<>(), done, out);
        }
        return out;
    }

    private static void findCycle(String p, Map<String, Set<String>> edges, List<String> path, Set<String> done,
                                  List<String> out) {
        int at = path.indexOf(p);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
            cycle.add(p);
            out.add("cycle: " + String.join(" -> ", cycle));
            return;
        }
        if (done.contains(p)) {
            return;
        }
        path.add(p);
        for (String to : new TreeSet<>(edges.getOrDefault(p, Set.of()))) {
            findCycle(to, edges, path, done, out);
        }
        path.remove(path.size() - 1);
        done.add(p);
    }
}
