package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.RecordingCometService;
import io.jgoim.job.TestConfigs;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Pushes to a member's other devices: resolved on the lane, in order, and a failing session store blocks nothing. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MemberDevicesTest {
    private final RecordingCometService c1 = new RecordingCometService("c1");
    private final RecordingCometService c2 = new RecordingCometService("c2");
    private final List<String> done = new CopyOnWriteArrayList<>();
    private PushDispatcher dispatcher;

    @AfterEach
    void stop() {
        dispatcher.close();
    }

    private PushDispatcher start(SessionDirectory sessions) {
        JobConfig cfg = TestConfigs.config();
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c1", c1).add("c2", c2);
        dispatcher = new PushDispatcher(cfg, dir, sessions, new JobMetrics(new SimpleMeterRegistry()));
        dispatcher.start();
        return dispatcher;
    }

    private PushTask member(long mid, String from, String body) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1002)
                .setMsg(ByteString.copyFromUtf8(body)).build();
        return PushTask.ofMemberDevices(mid, from, m, (t, ok) -> done.add(body + ":" + ok));
    }

    @Test
    void shouldPushToEveryOtherDeviceInOrder() {
        InMemorySessionDirectory sessions = new InMemorySessionDirectory(Duration.ofMinutes(1));
        sessions.addSession(7, "phone", "c1");
        sessions.addSession(7, "web", "c1");
        sessions.addSession(7, "tv", "c2");
        start(sessions);
        for (int i = 0; i < 20; i++) {
            dispatcher.dispatch(member(7, i % 2 == 0 ? "phone" : "tv", "p" + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 20);
        assertThat(done).allMatch(s -> s.endsWith(":true"));
        List<String> all = List.of("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "p11", "p12",
                "p13", "p14", "p15", "p16", "p17", "p18", "p19");
        assertThat(c1.keyBodies("web")).isEqualTo(all);
        assertThat(c1.keyBodies("phone")).isEqualTo(all.stream().filter(s -> Integer.parseInt(s.substring(1)) % 2 == 1)
                .toList());
        assertThat(c2.keyBodies("tv")).isEqualTo(all.stream().filter(s -> Integer.parseInt(s.substring(1)) % 2 == 0)
                .toList());
    }

    @Test
    void shouldFinishAsFailedWhenTheSessionStoreFailsAndKeepTheLaneMoving() {
        start(new FailingSessions());
        dispatcher.dispatch(member(7, "phone", "a"));
        dispatcher.dispatch(member(8, "phone", "b"));
        PushMsg room = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom("mid:7")
                .setMsg(ByteString.copyFromUtf8("after")).build();
        // Same lane key as member 7's push: it waits behind the lookup, then goes.
        dispatcher.dispatch(PushTask.of(null, room, (t, ok) -> done.add("after:" + ok)));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 3);
        assertThat(done).containsExactlyInAnyOrder("a:false", "b:false", "after:true");
        assertThat(done.indexOf("after:true")).isGreaterThan(done.indexOf("a:false"));
    }

    /** A session store that is down: every lookup fails (one of them synchronously). */
    private static final class FailingSessions implements SessionDirectory {
        private int calls;

        @Override
        public CompletableFuture<Map<String, String>> keysByMids(Collection<Long> mids) {
            if (calls++ % 2 == 0) {
                throw new JgoimException(ErrorCode.UNAVAILABLE, "redis down (thrown)");
            }
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "redis down"));
        }

        @Override
        public CompletableFuture<Void> addSession(long mid, String key, String server) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "down"));
        }

        @Override
        public CompletableFuture<Boolean> refreshSession(long mid, String key, String server) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "down"));
        }

        @Override
        public CompletableFuture<Boolean> removeSession(long mid, String key, String server) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "down"));
        }

        @Override
        public CompletableFuture<Map<String, String>> serversByKeys(Collection<String> keys) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "down"));
        }

        @Override
        public CompletableFuture<Void> putOnline(String server, Map<String, Integer> roomCounts, Duration ttl) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "down"));
        }

        @Override
        public CompletableFuture<Map<String, Map<String, Integer>>> onlines() {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "down"));
        }

        @Override
        public CompletableFuture<String> storeEpoch() {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "down"));
        }

        @Override
        public Duration sessionTtl() {
            return Duration.ofMinutes(1);
        }
    }
}
