package io.jgoim.job.it;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.grpc.KeepAlive;
import io.jgoim.job.JobServer;
import io.jgoim.job.RecordingCometService;
import io.jgoim.protocol.rpc.CometGrpcService;
import io.jgoim.testkit.KafkaBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
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
        Server grpc = KeepAlive.permit(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .addService(new CometGrpcService(comet)).build().start();
        String rpcAddr = "127.0.0.1:" + grpc.getPort();
        int total = 6_000;
        RoomRecords records = new RoomRecords(broker.bootstrapServers(), topic, 20);
        for (int i = 0; i < total; i++) {
            records.send(i);
        }
        records.close();
        List<String> env = JobChild.kafkaEnv(broker.bootstrapServers(), topic);
        JobChild child = JobChild.start("c1", rpcAddr, env);
        JobServer successor = null;
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                    .until(() -> comet.frameCount() >= 1_500 || !child.isAlive());
            assertThat(child.isAlive()).as("job process output:%n%s", child.output()).isTrue();
            child.kill();
            int seenAtKill = comet.frameCount();
            assertThat(seenAtKill).isLessThan(total);

            successor = JobChild.startHere("c1", rpcAddr, env, "job-2");
            await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(comet.bodies()).size() == total);
            int duplicates = comet.bodies().size() - total;
            System.out.println("kill -9 (separate JVM): " + seenAtKill + " delivered before SIGKILL, " + duplicates
                    + " duplicates after the successor took over");
            assertThat(duplicates).isBetween(0, 2 * 100);
            assertThat(records.gaps(comet, total)).isEmpty();
        } finally {
            child.close();
            if (successor != null) {
                successor.close();
            }
            grpc.shutdownNow();
        }
    }
}
