package io.jgoim.testkit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kafka broker (KRaft, combined broker and controller) inside the test JVM, built from the Kafka jars. Start
 * it once per test class ({@link #shared()} keeps one per JVM) — startup takes a few seconds. It can be stopped to
 * test "Kafka down"; {@link #restart()} brings it back on the same ports with its data.
 */
public final class KafkaBroker implements AutoCloseable {
    private static KafkaBroker shared;

    private final Path dir;
    private final String host;
    private final int brokerPort;
    private final int controllerPort;
    private final Properties props;
    private KafkaRaftServer server;

    private KafkaBroker(Path dir, String host, int brokerPort, int controllerPort) {
        this.dir = dir;
        this.host = host;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dir.resolve("logs").toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "4");
        props.put("auto.create.topics.enable", "true");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        // The log cleaner's dedupe map is a heap array of 128 MiB by default, held for the broker's life: with the
        // JVM's shared broker and a test class's own, 256 MiB of a test fork's heap (server's ITs ran out of heap on
        // CI with -Xmx768m). Test topics are tiny; 4 MiB holds their keys.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 << 20));
    }

    /** Formats a fresh log directory and starts a broker on free ports. */
    public static KafkaBroker start() {
        return start("127.0.0.1");
    }

    /**
     * As {@link #start()}, with clients served on {@code host} (the controller stays on loopback): an
     * {@link IsolatedHost}'s address, when the broker runs there.
     */
    public static KafkaBroker start(String host) {
        try {
            KafkaBroker b = new KafkaBroker(Files.createTempDirectory("jgoim-kafka"), host, FreePorts.next(),
                    FreePorts.next());
            b.format();
            b.startServer();
            return b;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Kafka", e);
        }
    }

    /** One broker per JVM, started on first use and stopped when the JVM exits. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = start();
            KafkaBroker b = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "kafka-broker-shutdown"));
        }
        return shared;
    }

    public String bootstrapServers() {
        return host + ":" + brokerPort;
    }

    /** Creates topics (ignoring ones that exist) and waits until they are ready. */
    public void createTopics(int partitions, String... topics) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> list = Stream.of(topics).map(t -> new NewTopic(t, partitions, (short) 1)).toList();
            try {
                admin.createTopics(list).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topics", e);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topics", e);
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker (its data stays for {@link #restart()}). */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public synchronized void restart() {
        stop();
        startServer();
    }

    private void format() throws IOException {
        Path cfg = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(cfg)) {
            props.store(w, null);
        }
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        int rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
            cfg.toString(), "--standalone", "--ignore-formatted"}, quiet);
        if (rc != 0) {
            throw new IOException("kafka storage format failed: " + rc);
        }
    }

    private synchronized void startServer() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        server.startup();
    }

    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files; the OS cleans them eventually
        }
    }
}
