package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One node run as an operator runs it: {@code java -jar target/jgoim.jar <command> --config FILE} with extra
 * environment, its stdout collected line by line (echoed with a prefix for the test log). Its stderr is separate and
 * collected too, so a test can tell where a line went. {@link #close()} sends SIGTERM, then kills.
 */
final class NodeProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    private NodeProcess(Process process, String name) {
        this.process = process;
        reader(process.getInputStream(), out, name, "stdout");
        reader(process.getErrorStream(), err, name, "stderr");
    }

    static NodeProcess start(String command, Path config, Map<String, String> env) throws IOException {
        Path jar = Path.of("target", "jgoim.jar");
        assertThat(jar).exists();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), command, "--config", config.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("JGOIM_"));
        pb.environment().putAll(env);
        return new NodeProcess(pb.start(), command);
    }

    private static void reader(java.io.InputStream in, List<String> into, String name, String stream) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[" + name + " " + stream + "] " + line);
                    synchronized (into) {
                        into.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, name + "-" + stream);
        t.setDaemon(true);
        t.start();
    }

    /** The stdout lines so far. */
    List<String> lines() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> errLines() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    /** Waits for a stdout line parsed as JSON that {@code matches}; fails with the lines seen when none comes. */
    JsonNode awaitJson(Predicate<JsonNode> matches, Duration timeout) throws InterruptedException {
        return awaitJson(matches, timeout, 0);
    }

    /** Like {@link #awaitJson(Predicate, Duration)}, looking only at stdout lines from index {@code from} on. */
    JsonNode awaitJson(Predicate<JsonNode> matches, Duration timeout, int from) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = from;
        while (System.nanoTime() < deadline) {
            List<String> now = lines();
            for (; seen < now.size(); seen++) {
                JsonNode n = parse(now.get(seen));
                if (n != null && matches.test(n)) {
                    return n;
                }
            }
            if (!process.isAlive() && seen == lines().size()) {
                throw new AssertionError("node exited (" + process.exitValue() + ") before the line; stdout " + now
                        + " stderr " + errLines());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such line within " + timeout + "; stdout " + lines());
    }

    /** A line as a JSON object, or null when it is not one. */
    static JsonNode parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
