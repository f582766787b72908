package io.jgoim.job.it;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.StaticNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.JobServer;
import io.jgoim.job.RecordingCometService;
import io.jgoim.job.TestConfigs;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.CometGrpcService;
import io.jgoim.testkit.KafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 for real: a job in its own JVM pushes over gRPC to a comet in this JVM, is killed with destroyForcibly
 * mid-stream (no shutdown hook, no commit, no leave-group), and a new job in the same group takes over once the dead
 * member's session expires. Nothing is lost; duplicates are bounded by what the dead job held uncommitted.
 */
@Tag("kafka")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaKill9IT {
    @Test
    void shouldLoseNothingWhenTheJobProcessIsKilledWithSigkill() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = "push-" + UUID.randomUUID();
        broker.createTopics(4, topic);
        RecordingCometService comet = new RecordingCometService("c1").randomDelay(300);
        Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new CometGrpcService(comet)).build().start();
        String rpcAddr = "127.0.0.1:" + grpc.getPort();
        int rooms = 20;
        int total = 6_000;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < total; i++) {
                String room = "live://" + (i % rooms);
                producer.send(new ProducerRecord<>(topic, room, PushMsg.newBuilder().setType(PushMsg.Type.ROOM)
                        .setOperation(1000).setRoom(room).setMsg(ByteString.copyFromUtf8(room + "#" + i)).build()
                        .toByteArray()));
            }
        }
        List<String> env = List.of("JGOIM_BUS_MODE", "kafka", "JGOIM_KAFKA_BOOTSTRAP_SERVERS",
                broker.bootstrapServers(), "JGOIM_KAFKA_PUSH_TOPIC", topic, "JGOIM_KAFKA_GROUP_ID", "g-" + topic,
                "JGOIM_KAFKA_AUTO_OFFSET_RESET", "earliest", "JGOIM_KAFKA_SESSION_TIMEOUT", "6s",
                "JGOIM_KAFKA_MAX_POLL_RECORDS", "100", "JGOIM_KAFKA_MAX_IN_FLIGHT_RECORDS", "100",
                "JGOIM_KAFKA_COMMIT_INTERVAL", "5ms", "JGOIM_BATCH_WINDOW", "2ms", "JGOIM_BATCH_SIZE", "16",
                "JGOIM_COMET_FILTER_ROOMS", "false", "JGOIM_EVENTS_COMMENT_TOPIC", "",
                "JGOIM_EVENTS_PLAY_HISTORY_TOPIC", "");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), JobProcess.class.getName(), "c1", rpcAddr));
        cmd.addAll(env);
        Path log = Files.createTempFile("job-process", ".log");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        JobServer successor = null;
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                    .until(() -> comet.frameCount() >= 1_500 || !child.isAlive());
            assertThat(child.isAlive()).as("job process output:%n%s", Files.readString(log)).isTrue();
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            int seenAtKill = comet.frameCount();
            assertThat(seenAtKill).isLessThan(total);

            List<String> env2 = new ArrayList<>(env);
            env2.addAll(List.of("JGOIM_NODE_ID", "job-2"));
            successor = new JobServer(TestConfigs.config(env2.toArray(new String[0])),
                    new StaticNodeRegistry(List.of(new NodeInfo("c1", "", 1, List.of(), List.of(), List.of(), rpcAddr,
                            0, false, 0))), new InMemorySessionDirectory(Duration.ofMinutes(1)),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            successor.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(comet.bodies()).size() == total);
            int duplicates = comet.bodies().size() - total;
            System.out.println("kill -9 (separate JVM): " + seenAtKill + " delivered before SIGKILL, " + duplicates
                    + " duplicates after the successor took over");
            assertThat(duplicates).isBetween(0, 2 * 100);
            for (int r = 0; r < rooms; r++) {
                String room = "live://" + r;
                List<String> want = new ArrayList<>();
                for (int i = r; i < total; i += rooms) {
                    want.add(room + "#" + i);
                }
                assertThat(new ArrayList<>(new LinkedHashSet<>(comet.roomBodies(room)))).isEqualTo(want);
            }
        } finally {
            child.destroyForcibly();
            if (successor != null) {
                successor.close();
            }
            grpc.shutdownNow();
            new File(log.toString()).delete();
        }
    }
}
