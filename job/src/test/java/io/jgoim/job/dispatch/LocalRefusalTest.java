package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import io.jgoim.common.overload.AdaptiveThrottle;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.RecordingCometService;
import io.jgoim.job.TestConfigs;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A send that the comet's client-side throttle refuses locally is not an attempt: with {@code retry.maxAttempts} 1
 * it waits at the head of its link's queue however often it is refused, is one request to the throttle however
 * often it is offered again, and goes out (in order, once) when the throttle opens. Only the comet leaving the
 * directory gives it up. The throttle is made to refuse by counting {@value #PAST} unanswered requests in it before
 * the test (a window of 10 minutes: nothing leaves it meanwhile), so a new send is admitted with probability 1e-6.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalRefusalTest {
    private static final int PAST = 1_000_000;

    private final RecordingCometService recorded = new RecordingCometService("c1");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> done = new CopyOnWriteArrayList<>();
    private DirectCometDirectory dir;
    private PushDispatcher dispatcher;
    private AdaptiveThrottle throttle;

    @BeforeEach
    void start() {
        var cfg = TestConfigs.config("JGOIM_DISPATCH_LANES", "1", "JGOIM_COMET_FILTER_ROOMS", "false",
                "JGOIM_RETRY_MAX_ATTEMPTS", "1", "JGOIM_RETRY_BACKOFF", "2ms", "JGOIM_RETRY_MAX_BACKOFF", "10ms",
                "JGOIM_COMET_THROTTLE_WINDOW", "600s");
        dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c1", recorded);
        dispatcher = new PushDispatcher(cfg, dir, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new JobMetrics(registry));
        dispatcher.start();
        throttle = dir.comet("c1").throttle();
        for (int i = 0; i < PAST; i++) {
            throttle.tryAcquire(); // sent, never accepted: the comet looks down
        }
    }

    @AfterEach
    void stop() {
        dispatcher.close();
    }

    private PushTask room(String body) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom("live://r")
                .setMsg(ByteString.copyFromUtf8(body)).build();
        return PushTask.of("live://r", m, (t, ok) -> done.add(body + ":" + ok));
    }

    private double refusals() {
        return registry.get("jgoim.job.throttle.rejected").tag("comet", "c1").counter().count();
    }

    /** Requests counted in the window, read back from p = requests / (requests + 1) while nothing is accepted. */
    private long requestsCounted() {
        double p = throttle.rejectProbability();
        return Math.round(p / (1 - p));
    }

    @Test
    void shouldHoldARefusedSendWithoutSpendingAttemptsAndSendItInOrderOnceTheThrottleOpens() {
        for (int i = 0; i < 4; i++) {
            dispatcher.dispatch(room("m" + i));
            assertThat(dispatcher.flush(10, TimeUnit.SECONDS)).isTrue();
        }
        // Refused far more often than retry.maxAttempts (1), and never given up.
        await().atMost(Duration.ofSeconds(20)).until(() -> refusals() >= 20);
        assertThat(done).isEmpty();
        assertThat(recorded.attempts()).isZero();
        // Only the head was offered, and however often it was offered again it is one request.
        assertThat(requestsCounted()).isEqualTo(PAST + 1);

        for (int i = 0; i < PAST; i++) {
            throttle.onAccepted(); // the comet answers again: 2 × accepts cover the requests, p = 0
        }
        assertThat(throttle.rejectProbability()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 4);
        assertThat(done).containsExactly("m0:true", "m1:true", "m2:true", "m3:true");
        assertThat(recorded.roomBodies("live://r")).containsExactly("m0", "m1", "m2", "m3");
        assertThat(recorded.attempts()).isEqualTo(recorded.calls().size()); // each call went out once
    }

    @Test
    void shouldGiveUpAHeldSendOnlyWhenItsCometLeaves() {
        dispatcher.dispatch(room("m0"));
        await().atMost(Duration.ofSeconds(20)).until(() -> refusals() >= 5);
        assertThat(done).isEmpty();

        dir.removeComet("c1");
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 1);
        assertThat(done).containsExactly("m0:false");
        assertThat(recorded.attempts()).isZero();
    }
}
