package io.jgoim.job.it;

import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.StaticNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.JobServer;
import io.jgoim.job.TestConfigs;
import io.jgoim.testkit.Signals;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A job node in a JVM of its own ({@link JobProcess}) pushing to one comet, run the way an operator's process is:
 * it can be frozen (SIGSTOP), thawed (SIGCONT) and killed (SIGKILL). Its output goes to a file, read back for a
 * failure message.
 */
final class JobChild implements AutoCloseable {
    private final Process process;
    private final Path log;

    private JobChild(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code JobProcess cometId rpcAddr env...} with this JVM's class path. */
    static JobChild start(String cometId, String rpcAddr, List<String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), JobProcess.class.getName(), cometId,
                rpcAddr));
        cmd.addAll(env);
        Path log = Files.createTempFile("job-process", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new JobChild(p, log);
    }

    /**
     * The environment of a job consuming {@code topic} from the beginning in group {@code g-<topic>}, with a 6 s
     * session timeout and small polls, windows and commit intervals, so a test sees takeovers within seconds.
     */
    static List<String> kafkaEnv(String bootstrapServers, String topic) {
        return List.of("JGOIM_BUS_MODE", "kafka", "JGOIM_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "JGOIM_KAFKA_PUSH_TOPIC", topic, "JGOIM_KAFKA_GROUP_ID", "g-" + topic,
                "JGOIM_KAFKA_AUTO_OFFSET_RESET", "earliest", "JGOIM_KAFKA_SESSION_TIMEOUT", "6s",
                "JGOIM_KAFKA_MAX_POLL_RECORDS", "100", "JGOIM_KAFKA_MAX_IN_FLIGHT_RECORDS", "100",
                "JGOIM_KAFKA_COMMIT_INTERVAL", "5ms", "JGOIM_BATCH_WINDOW", "2ms", "JGOIM_BATCH_SIZE", "16",
                "JGOIM_COMET_FILTER_ROOMS", "false", "JGOIM_EVENTS_COMMENT_TOPIC", "",
                "JGOIM_EVENTS_PLAY_HISTORY_TOPIC", "");
    }

    /** The same job in this JVM, as node {@code nodeId} (started; close it). */
    static JobServer startHere(String cometId, String rpcAddr, List<String> env, String nodeId) {
        List<String> withId = new ArrayList<>(env);
        withId.addAll(List.of("JGOIM_NODE_ID", nodeId));
        JobServer job = new JobServer(TestConfigs.config(withId.toArray(new String[0])),
                new StaticNodeRegistry(List.of(new NodeInfo(cometId, "", 1, List.of(), List.of(), List.of(), rpcAddr,
                        0, false, 0))), new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        job.start();
        return job;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far. */
    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGSTOP: the JVM stops where it is, its sockets stay open. */
    void freeze() {
        Signals.freeze(process);
    }

    /** SIGCONT after {@link #freeze()}. */
    void thaw() {
        Signals.thaw(process);
    }

    /** SIGKILL, and waits for the process to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }
}
