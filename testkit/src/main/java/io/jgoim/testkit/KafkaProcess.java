package io.jgoim.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker ({@link KafkaMain}) in a process of its own, so that a test can freeze it (SIGSTOP) as a hung
 * broker host, which a broker inside the test JVM cannot be. Its output is drained to this JVM's stdout, prefixed.
 */
public final class KafkaProcess implements AutoCloseable {
    private final Process process;
    private final String bootstrapServers;

    private KafkaProcess(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker with {@code topics} ({@code name[:partitions]}) and waits until they exist (60 s at most). */
    public static KafkaProcess start(String... topics) throws IOException {
        return start(null, topics);
    }

    /**
     * As {@link #start(String...)}, the broker running on {@code host} and serving clients at its address (close the
     * broker before the host).
     */
    public static KafkaProcess startOn(IsolatedHost host, String... topics) throws IOException {
        return start(host, topics);
    }

    private static KafkaProcess start(IsolatedHost host, String... topics) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djgoim.kafka.host=" + (host == null ? "127.0.0.1" : host.address()),
                "-cp", System.getProperty("java.class.path"), KafkaMain.class.getName()));
        cmd.addAll(List.of(topics));
        Process p = new ProcessBuilder(host == null ? cmd : host.command(cmd.toArray(String[]::new)))
                .redirectErrorStream(true).start();
        CompletableFuture<String> bootstrap = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("bootstrap=")) {
                        bootstrap.complete(line.substring("bootstrap=".length()));
                    } else {
                        System.out.println("[kafka] " + line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            bootstrap.completeExceptionally(new IOException("the Kafka process ended before it was ready"));
        }, "kafka-process-output");
        drain.setDaemon(true);
        drain.start();
        try {
            return new KafkaProcess(p, bootstrap.get(60, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("Kafka process did not start: " + e, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** SIGSTOP: the broker stops where it is; its connections stay open and take bytes. */
    public void freeze() {
        Signals.freeze(process);
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
        Signals.thaw(process);
    }

    /** Lets it run (if frozen), stops it (SIGTERM: it deletes its data), kills it if it does not end within 20 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        Signals.thaw(process);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
