package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Client-side adaptive throttling of job → comet over real gRPC: one of three comets answers every call UNAVAILABLE.
 * The retry policy is made lavish on purpose (a million attempts, no budget limit) so that only the throttle stands
 * between the sick comet and a retry storm. Asserted: within one throttle window the calls that reach the sick comet
 * fall to a trickle (≤ k × accepts + minRequests per window, accepts being 0, plus a send per lane), the healthy comets get every push
 * meanwhile, nothing is given up, retries (real calls that failed and went again) stay under 20 % of the calls job
 * offered the comet (sent or refused locally: a re-offer of a refused send is a local refusal, not a retry), and once
 * the comet answers again every push reaches it exactly once (at-least-once, no second copy) and the throttle opens
 * fully. Window 2 s (10 buckets), k = 2, minRequests 20.
 */
class ThrottledCometIT {
    private static final int PUSHES = 120;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
    private final ServedComets comets = new ServedComets(nodes, Duration.ofMinutes(1));
    private JobServer job;

    @AfterEach
    void stop() throws InterruptedException {
        if (job != null) {
            job.close();
        }
        comets.close();
    }

    private static PushMsg broadcast(String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOperation(1000)
                .setMsg(ByteString.copyFromUtf8(body)).build();
    }

    @Test
    void shouldThrottleASickCometThenDeliverEveryPushOnceItRecovers() throws Exception {
        RecordingCometService sick = new RecordingCometService("sick").mode(RecordingCometService.Mode.REFUSE);
        RecordingCometService a = new RecordingCometService("a");
        RecordingCometService b = new RecordingCometService("b");
        comets.serve(sick);
        comets.serve(a);
        comets.serve(b);
        job = new JobServer(TestConfigs.config("JGOIM_COMET_REGISTRY_REFRESH", "100ms", "JGOIM_BATCH_WINDOW", "2ms",
                "JGOIM_RETRY_MAX_ATTEMPTS", "1000000", "JGOIM_RETRY_BUDGET_RATIO", "10",
                "JGOIM_RETRY_MIN_RETRIES_PER_SECOND", "1000000", "JGOIM_RETRY_BACKOFF", "10ms",
                "JGOIM_RETRY_MAX_BACKOFF", "20ms", "JGOIM_COMET_THROTTLE_WINDOW", "2s",
                "JGOIM_COMET_THROTTLE_BUCKETS", "10"), nodes,
                new InMemorySessionDirectory(Duration.ofMinutes(1)), registry);
        job.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 3);

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < PUSHES; i++) {
            String body = "m" + i;
            sent.add(body);
            job.pushBus().publish("k" + (i % 4), broadcast(body)).join(); // spread over the lanes
        }
        // The healthy comets are not held up by the sick one.
        await().atMost(Duration.ofSeconds(60)).until(() -> a.frameCount() == PUSHES && b.frameCount() == PUSHES);
        assertThat(a.bodies()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(b.bodies()).containsExactlyInAnyOrderElementsOf(sent);

        // Within one window the sick comet's calls fall to a trickle; measure the next full window.
        Thread.sleep(2_000);
        int before = sick.attempts();
        double rejectedBefore = throttled();
        Thread.sleep(2_000);
        int inWindow = sick.attempts() - before;
        double rejectedInWindow = throttled() - rejectedBefore;
        System.out.printf("throttle IT: sick comet got %d calls in one 2 s window while job refused %.0f locally;"
                + " %d calls in all%n", inWindow, rejectedInWindow, sick.attempts());
        // k × accepts (0) + minRequests (20), plus the head send of each of the 4 lanes released when the window's
        // count dips below minRequests, and once more for the window's 200 ms buckets (a 2 s stretch of wall time can
        // hold 2.2 s of them). A re-offer is not a request, so refusals no longer push the count far above
        // minRequests: the price of recovering within two windows instead of four.
        assertThat(inWindow).isLessThanOrEqualTo(20 + 2 * 4);
        assertThat(rejectedInWindow).isGreaterThan(inWindow);
        assertThat(failures()).isZero(); // nothing given up
        double offered = sick.attempts() + throttled();
        System.out.printf("throttle IT: %.0f retries of %.0f calls offered to the sick comet%n", retries(), offered);
        assertThat(retries()).isLessThanOrEqualTo(0.2 * offered);

        // Recovery: every push reaches the sick comet, and the throttle opens fully.
        long recovered = System.nanoTime();
        sick.mode(RecordingCometService.Mode.OK);
        await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(sick.bodies()).containsAll(sent));
        long deliveredMs = (System.nanoTime() - recovered) / 1_000_000;
        await().atMost(Duration.ofSeconds(20)).until(() -> job.metrics().inFlight().get() == 0);
        assertThat(failures()).isZero();
        Set<String> distinct = new HashSet<>(sick.bodies());
        assertThat(distinct).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(sick.bodies()).containsExactlyInAnyOrderElementsOf(sent); // each once (the comet accepted each)
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comet("sick").throttle()
                .rejectProbability() == 0.0);
        long openMs = (System.nanoTime() - recovered) / 1_000_000;
        for (int i = 0; i < 50; i++) {
            job.pushBus().publish("k" + (i % 4), broadcast("after" + i)).join();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> sick.frameCount() == PUSHES + 50);
        System.out.printf("throttle IT: after recovery every push reached the comet in %d ms, throttle fully open"
                + " after %d ms; %d calls to it in all, %.0f refused locally%n", deliveredMs, openMs,
                sick.attempts(), throttled());
    }

    private double throttled() {
        return registry.get("jgoim.job.throttle.rejected").tags("comet", "sick").counter().count();
    }

    private double retries() {
        return registry.get("jgoim.job.retries").tags("comet", "sick").counter().count();
    }

    private double failures() {
        return registry.find("jgoim.job.push.failures").tags("comet", "sick").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
