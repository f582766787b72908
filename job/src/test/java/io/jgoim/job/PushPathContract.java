package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import io.jgoim.testkit.LeakCheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The push path's contract, held by both buses (in-process and Kafka): every type delivered to the right comets,
 * order per room and per key, room batching with one encode shared by every comet, retries of a refusing comet and a
 * timing-out comet that does not disturb the others.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class PushPathContract {
    protected final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    protected final RecordingCometService c1 = new RecordingCometService("c1");
    protected final RecordingCometService c2 = new RecordingCometService("c2");
    protected final InMemorySessionDirectory sessions = new InMemorySessionDirectory(Duration.ofMinutes(5));
    protected JobServer job;

    /** Builds and starts the job under test with {@code overrides} (env names and values). */
    protected abstract JobServer startJob(DirectCometDirectory comets, String... overrides);

    /** Publishes one message (recordKey = Kafka record key). */
    protected abstract void publish(String recordKey, PushMsg msg);

    /** Makes sure everything published so far is on its way (flushes a producer). */
    protected void flushPublishes() {
    }

    protected JobServer start(String... overrides) {
        JobConfig cfg = TestConfigs.config(overrides);
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c1", c1).add("c2", c2);
        job = startJob(dir, overrides);
        return job;
    }

    @AfterEach
    void stopJob() {
        if (job != null) {
            job.close();
        }
    }

    protected static PushMsg room(String room, String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(body)).setCreatedAtMs(System.currentTimeMillis()).build();
    }

    protected static PushMsg push(String server, String key, String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1001).setServer(server).addKeys(key)
                .setMsg(ByteString.copyFromUtf8(body)).setCreatedAtMs(System.currentTimeMillis()).build();
    }

    protected static PushMsg broadcast(int speed, String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(1002).setSpeed(speed)
                .setMsg(ByteString.copyFromUtf8(body)).setCreatedAtMs(System.currentTimeMillis()).build();
    }

    protected double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counters();
        return c.stream().mapToDouble(x -> x.count()).sum();
    }

    @Test
    void shouldDeliverEveryPushTypeToTheRightComets() throws Exception {
        c1.rooms(Set.of("live://1"));
        c2.rooms(Set.of("live://2"));
        // Room filtering is on, but direct (in-process) comets get every room push: a join is never missed.
        start("JGOIM_COMET_FILTER_ROOMS", "true", "JGOIM_BATCH_WINDOW", "5ms");
        job.comets().refreshRooms().get(5, TimeUnit.SECONDS);

        publish("k1", push("c1", "k1", "to-k1"));
        publish("live://1", room("live://1", "to-room-1"));
        publish("live://2", room("live://2", "to-room-2"));
        publish("", broadcast(100, "to-all"));
        flushPublishes();

        await().atMost(Duration.ofSeconds(30)).until(() -> c1.frameCount() == 4 && c2.frameCount() == 3);
        assertThat(c1.keyBodies("k1")).containsExactly("to-k1");
        assertThat(c2.keyBodies("k1")).isEmpty();
        for (RecordingCometService c : List.of(c1, c2)) {
            assertThat(c.roomBodies("live://1")).containsExactly("to-room-1");
            assertThat(c.roomBodies("live://2")).containsExactly("to-room-2");
        }
        RecordingCometService.Call pushCall = c1.calls().stream().filter(c -> c.kind().equals("push")).findFirst()
                .orElseThrow();
        assertThat(pushCall.protoOp()).isEqualTo(1001);
        assertThat(pushCall.frames()).containsExactly(new RecordingCometService.Frame(1, 1001, 0, "to-k1"));
        for (RecordingCometService c : List.of(c1, c2)) {
            RecordingCometService.Call b = c.calls().stream().filter(x -> x.kind().equals("broadcast")).findFirst()
                    .orElseThrow();
            assertThat(b.speed()).isEqualTo(50);
            assertThat(b.protoOp()).isEqualTo(1002);
            assertThat(b.frames()).containsExactly(new RecordingCometService.Frame(1, 1002, 0, "to-all"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> job.metrics().inFlight().get() == 0);
    }

    @Test
    void shouldCountAPushToAnUnknownCometAsHavingNoTarget() {
        start();
        publish("kx", push("nowhere", "kx", "lost"));
        flushPublishes();
        await().atMost(Duration.ofSeconds(20)).until(() -> counter("jgoim.job.push.no_target", "type", "push") == 1.0);
        assertThat(c1.attempts() + c2.attempts()).isZero();
    }

    @Test
    void shouldKeepOrderPerRoomAndPerKeyUnderOutOfOrderReplies() {
        c1.randomDelay(300);
        c2.randomDelay(300);
        start("JGOIM_COMET_FILTER_ROOMS", "false", "JGOIM_BATCH_SIZE", "7", "JGOIM_BATCH_WINDOW", "2ms");
        int rooms = 6;
        int perStream = 120;
        for (int i = 0; i < perStream; i++) {
            for (int r = 0; r < rooms; r++) {
                publish("live://" + r, room("live://" + r, "r" + r + ":" + i));
                String key = "key-" + r;
                publish(key, push(r % 2 == 0 ? "c1" : "c2", key, key + ":" + i));
            }
        }
        flushPublishes();
        int total = rooms * perStream;
        await().atMost(Duration.ofSeconds(40)).until(() -> c1.frameCount() + c2.frameCount() == total * 3);
        for (int r = 0; r < rooms; r++) {
            List<String> expectedRoom = new ArrayList<>();
            List<String> expectedKey = new ArrayList<>();
            for (int i = 0; i < perStream; i++) {
                expectedRoom.add("r" + r + ":" + i);
                expectedKey.add("key-" + r + ":" + i);
            }
            assertThat(c1.roomBodies("live://" + r)).containsExactlyElementsOf(expectedRoom);
            assertThat(c2.roomBodies("live://" + r)).containsExactlyElementsOf(expectedRoom);
            RecordingCometService target = r % 2 == 0 ? c1 : c2;
            assertThat(target.keyBodies("key-" + r)).containsExactlyElementsOf(expectedKey);
        }
    }

    @Test
    void shouldBatchRoomMessagesAndShareOneEncodeAcrossComets() {
        start("JGOIM_COMET_FILTER_ROOMS", "false", "JGOIM_BATCH_SIZE", "10", "JGOIM_BATCH_WINDOW", "300ms");
        for (int i = 0; i < 25; i++) {
            publish("live://b", room("live://b", "m" + i));
        }
        flushPublishes();
        await().atMost(Duration.ofSeconds(20)).until(() -> c1.frameCount() == 25 && c2.frameCount() == 25);
        List<RecordingCometService.Call> calls1 = c1.calls();
        List<RecordingCometService.Call> calls2 = c2.calls();
        assertThat(calls1).hasSameSizeAs(calls2).hasSizeLessThanOrEqualTo(6);
        assertThat(calls1.stream().mapToInt(c -> c.frames().size()).max().orElse(0)).isEqualTo(10);
        for (int i = 0; i < calls1.size(); i++) {
            // Encode once: both comets got the very same bytes object.
            assertThat(calls1.get(i).bodyIdentity()).isSameAs(calls2.get(i).bodyIdentity());
            assertThat(calls1.get(i).frames()).allMatch(f -> f.op() == 1000 && f.ver() == 1 && f.seq() == 0);
        }
        assertThat(c1.roomBodies("live://b")).hasSize(25).startsWith("m0", "m1").endsWith("m24");
        assertThat(registry.find("jgoim.job.batch.messages").summary().max()).isEqualTo(10.0);
    }

    @Test
    void shouldRetryARefusingCometAndDeliver() {
        c1.failNext(2);
        start("JGOIM_RETRY_BACKOFF", "5ms", "JGOIM_RETRY_MAX_ATTEMPTS", "4");
        publish("k1", push("c1", "k1", "after-retries"));
        publish("k2", push("c2", "k2", "direct"));
        flushPublishes();
        await().atMost(Duration.ofSeconds(20)).until(() -> c1.frameCount() == 1 && c2.frameCount() == 1);
        assertThat(c1.keyBodies("k1")).containsExactly("after-retries");
        assertThat(c1.attempts()).isEqualTo(3);
        assertThat(counter("jgoim.job.retries", "comet", "c1")).isEqualTo(2.0);
        assertThat(counter("jgoim.job.push.failures")).isZero();
    }

    @Test
    void shouldGiveUpOnATimingOutCometWithoutDelayingTheOthers() {
        c1.mode(RecordingCometService.Mode.TIMEOUT);
        start("JGOIM_COMET_CALL_DEADLINE", "300ms", "JGOIM_RETRY_MAX_ATTEMPTS", "2", "JGOIM_RETRY_BACKOFF", "10ms",
                "JGOIM_COMET_FILTER_ROOMS", "false", "JGOIM_BATCH_WINDOW", "2ms");
        for (int i = 0; i < 5; i++) {
            publish("live://t", room("live://t", "t" + i));
        }
        flushPublishes();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2)).until(() -> c2.frameCount() == 5);
        // c2 had everything while c1 was still timing out: a stuck comet holds only its own queue.
        assertThat(counter("jgoim.job.push.failures", "comet", "c1")).isLessThan(5.0);
        assertThat(c2.roomBodies("live://t")).containsExactly("t0", "t1", "t2", "t3", "t4");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> counter("jgoim.job.push.failures", "comet", "c1", "code", "TIMEOUT") == 5.0);
        assertThat(c1.frameCount()).isZero();
        assertThat(c1.attempts()).isGreaterThanOrEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> job.metrics().inFlight().get() == 0);
    }

    @Test
    void shouldStopRetryingWhenTheRetryBudgetIsSpent() {
        c1.mode(RecordingCometService.Mode.REFUSE);
        start("JGOIM_RETRY_BACKOFF", "5ms", "JGOIM_RETRY_MAX_ATTEMPTS", "10", "JGOIM_RETRY_BUDGET_RATIO", "0",
                "JGOIM_RETRY_MIN_RETRIES_PER_SECOND", "2", "JGOIM_COMET_CALL_DEADLINE", "5s");
        for (int i = 0; i < 4; i++) {
            publish("k" + i, push("c1", "k" + i, "refused-" + i));
        }
        flushPublishes();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> counter("jgoim.job.push.failures", "comet", "c1", "code", "UNAVAILABLE") == 4.0);
        // 4 first attempts plus the 2 retries the budget allowed within the second, not 4 x 9 retries.
        assertThat(counter("jgoim.job.retries", "comet", "c1")).isLessThanOrEqualTo(4.0);
        assertThat(c1.attempts()).isLessThanOrEqualTo(8);
    }

    @Test
    void shouldNotRetryARequestTheCometCallsBad() {
        c1.mode(RecordingCometService.Mode.BAD_REQUEST);
        start("JGOIM_RETRY_BACKOFF", "5ms");
        publish("k1", push("c1", "k1", "bad"));
        flushPublishes();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> counter("jgoim.job.push.failures", "comet", "c1", "code", "BAD_PARAMETER") == 1.0);
        assertThat(c1.attempts()).isEqualTo(1);
    }
}
