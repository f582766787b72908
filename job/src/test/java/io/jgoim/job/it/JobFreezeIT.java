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
import java.util.concurrent.atomic.AtomicInteger;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A job frozen (SIGSTOP) past its Kafka session timeout while a second job of the group runs beside it, then thawed:
 * the zombie. Its partitions move to the other job while it is frozen; when it wakes it still holds records it
 * believes are its own, its commits fail, and it must rejoin rather than wedge or die. Pushes are produced
 * throughout. Nothing is lost, every room stays in order (repeats aside), repeats stay bounded by what the jobs hold
 * uncommitted, and the thawed job lives on.
 */
@Tag("kafka")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class JobFreezeIT {
    @Test
    void shouldLoseNothingWhenAJobIsFrozenPastItsSessionAndWakesAsAZombie() throws Exception {
        KafkaBroker broker = KafkaBroker.shared();
        String topic = "push-" + UUID.randomUUID();
        broker.createTopics(4, topic);
        RecordingCometService comet = new RecordingCometService("c1").randomDelay(300);
        Server grpc = KeepAlive.permit(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .addService(new CometGrpcService(comet)).build().start();
        String rpcAddr = "127.0.0.1:" + grpc.getPort();
        int total = 8_000;
        List<String> env = JobChild.kafkaEnv(broker.bootstrapServers(), topic);
        RoomRecords records = new RoomRecords(broker.bootstrapServers(), topic, 20);
        AtomicInteger produced = new AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                records.send(i);
                produced.incrementAndGet();
                if (i % 10 == 9) {
                    records.flush();
                    sleep(20); // ~500 pushes/s: the whole run is ~16 s, spanning the freeze
                }
            }
            records.flush();
        }, "producer");
        JobChild zombie = JobChild.start("c1", rpcAddr, env);
        JobServer other = JobChild.startHere("c1", rpcAddr, env, "job-2");
        try {
            producer.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> comet.frameCount() >= 1_000 || !zombie.isAlive());
            assertThat(zombie.isAlive()).as("job process output:%n%s", zombie.output()).isTrue();

            zombie.freeze();
            Thread.sleep(8_000); // past the 6 s session: the group moves the frozen job's partitions
            int dueBeforeThaw = produced.get() - 500; // produced a second or more ago
            // The other job alone carries every partition while the zombie sleeps.
            await().atMost(Duration.ofSeconds(20)).until(() -> distinctBelow(comet, dueBeforeThaw) == dueBeforeThaw);
            zombie.thaw();

            producer.join(60_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(comet.bodies()).size() == total);
            Thread.sleep(2_000); // what the zombie still had in flight lands now, if anything
            int duplicates = comet.bodies().size() - new HashSet<>(comet.bodies()).size();
            System.out.println("JobFreezeIT: " + total + " pushes, " + duplicates + " repeats; the thawed job "
                    + (zombie.isAlive() ? "lives" : "died"));
            assertThat(records.gaps(comet, total)).as("rooms in order, nothing lost").isEmpty();
            assertThat(duplicates).as("repeats").isBetween(0, 3 * 100);
            assertThat(zombie.isAlive()).as("the thawed job lives on; its output:%n%s", zombie.output()).isTrue();
            assertThat(zombie.output()).as("the thawed job's output").doesNotContain("Exception in thread");
        } finally {
            producer.interrupt();
            zombie.close();
            other.close();
            records.close();
            grpc.shutdownNow();
        }
    }

    /** How many distinct pushes numbered below {@code bound} the comet got. */
    private static int distinctBelow(RecordingCometService comet, int bound) {
        int n = 0;
        for (String body : new HashSet<>(comet.bodies())) {
            if (Integer.parseInt(body.substring(body.indexOf('#') + 1)) < bound) {
                n++;
            }
        }
        return n;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
