package io.jgoim.job.it;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.grpc.KeepAlive;
import io.jgoim.job.JobServer;
import io.jgoim.job.RecordingCometService;
import io.jgoim.protocol.rpc.CometGrpcService;
import io.jgoim.testkit.KafkaProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka broker frozen (SIGSTOP) for longer than job's consumer session while pushes are produced and consumed,
 * then thawed: its connections stayed open, so the producer and the consumer only time out; on the thaw the broker
 * finds job's session expired (no heartbeat reached it) and rebalances, and job must rejoin and go on from its
 * committed offsets. Nothing is lost, every room stays in order (repeats aside), repeats stay bounded by what job
 * held uncommitted.
 */
@Tag("kafka")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaFreezeIT {
    @Test
    void shouldLoseNothingWhenTheBrokerFreezesPastTheConsumersSession() throws Exception {
        String topic = "push-freeze";
        RecordingCometService comet = new RecordingCometService("c1").randomDelay(300);
        Server grpc = KeepAlive.permit(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .addService(new CometGrpcService(comet)).build().start();
        String rpcAddr = "127.0.0.1:" + grpc.getPort();
        int total = 6_000;
        AtomicInteger produced = new AtomicInteger();
        try (KafkaProcess broker = KafkaProcess.start(topic + ":4")) {
            List<String> env = JobChild.kafkaEnv(broker.bootstrapServers(), topic);
            RoomRecords records = new RoomRecords(broker.bootstrapServers(), topic, 20);
            Thread producer = new Thread(() -> {
                for (int i = 0; i < total; i++) {
                    records.send(i);
                    produced.incrementAndGet();
                    if (i % 10 == 9) {
                        sleep(20); // ~500 pushes/s, across the freeze (sends buffer while the broker sleeps)
                    }
                }
                records.flush();
            }, "producer");
            JobServer job = JobChild.startHere("c1", rpcAddr, env, "job-1");
            try {
                producer.start();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> comet.frameCount() >= 1_000);
                broker.freeze();
                int atFreeze = comet.frameCount();
                Thread.sleep(10_000); // past the 6 s session: the broker expires job's member when it wakes
                int whileFrozen = comet.frameCount() - atFreeze;
                broker.thaw();
                producer.join(120_000);
                await().atMost(Duration.ofSeconds(90)).until(() -> new HashSet<>(comet.bodies()).size() == total);
                Thread.sleep(1_000);
                int repeats = comet.bodies().size() - new HashSet<>(comet.bodies()).size();
                System.out.println("KafkaFreezeIT: " + total + " pushes, " + whileFrozen
                        + " frames delivered while the broker was frozen (what job held), " + repeats + " repeats");
                assertThat(records.gaps(comet, total)).as("rooms in order, nothing lost").isEmpty();
                assertThat(repeats).as("repeats").isBetween(0, 3 * 100);
            } finally {
                producer.interrupt();
                job.close();
                records.close();
            }
        } finally {
            grpc.shutdownNow();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
