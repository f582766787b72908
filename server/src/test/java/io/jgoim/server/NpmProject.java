package io.jgoim.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Node.js project the ITs run with the system's node and npm (the TypeScript SDK, the demo's browser test): tools
 * checked with a message saying how to install them, {@code npm ci} only when node_modules is missing or older than
 * the lock file, and each command bounded in time, its output logged to a file and its exit code asserted.
 */
final class NpmProject {
    private final Path dir;
    private final Path logs;

    /** The project in {@code dir}; command logs go to {@code logs}. */
    NpmProject(Path dir, Path logs) {
        this.dir = dir;
        this.logs = logs;
    }

    /** Fails the test, saying {@code install}, when {@code tool --version} does not run. */
    static void requireTool(String tool, String install) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // not on the PATH: the message below says what to do
        }
        fail("'" + tool + "' is needed and was not found on the PATH: install " + install);
    }

    /** Runs {@code npm ci} when node_modules lacks one of {@code modules} or is older than package-lock.json. */
    void installIfNeeded(int timeoutSeconds, String... modules) throws Exception {
        if (installNeeded(modules)) {
            run(timeoutSeconds, Map.of(), "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
        }
    }

    private boolean installNeeded(String... modules) throws IOException {
        Path marker = dir.resolve("node_modules/.package-lock.json");
        if (!Files.exists(marker)) {
            return true;
        }
        for (String m : modules) {
            if (!Files.isDirectory(dir.resolve("node_modules").resolve(m))) {
                return true;
            }
        }
        FileTime installed = Files.getLastModifiedTime(marker);
        return installed.compareTo(Files.getLastModifiedTime(dir.resolve("package-lock.json"))) < 0;
    }

    /**
     * Runs {@code command} in the project with {@code env} added, killing it (and its children) after
     * {@code timeoutSeconds}; asserts it finished and exited 0, quoting the end of its output otherwise.
     */
    void run(int timeoutSeconds, Map<String, String> env, String... command) throws Exception {
        Path log = logs.resolve(String.join("-", command).replaceAll("[^a-zA-Z0-9-]", "_") + ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("--- " + String.join(" ", command) + ": " + summary(out));
        assertThat(done).as("%s did not finish within %d s:%n%s", String.join(" ", command), timeoutSeconds,
                tail(out, 150)).isTrue();
        assertThat(p.exitValue()).as("%s failed:%n%s", String.join(" ", command), tail(out, 150)).isZero();
    }

    /** node:test's closing counts ("# tests 12", "# pass 12", ...), or the last 60 lines. */
    private static String summary(String out) {
        List<String> counts = out.lines().filter(l -> l.matches("# (tests|pass|fail|skipped) \\d+")).toList();
        return counts.isEmpty() ? "\n" + tail(out, 60) : String.join(", ", counts);
    }

    private static String tail(String out, int n) {
        List<String> lines = new ArrayList<>(List.of(out.split("\n")));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
