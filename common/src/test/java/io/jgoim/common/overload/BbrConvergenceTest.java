package io.jgoim.common.overload;

import io.jgoim.common.overload.SimulatedServer.Service;
import io.jgoim.common.overload.SimulatedServer.Stretch;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BBR limiter in front of a simulated server, on an injected clock and CPU, with the production window (10 s of
 * 100 ms buckets), threshold 800 per mille and 1 s cool-down. The server completes at most {@value #PER_MS} requests
 * per millisecond, first in first out, each no sooner than its latency after it started: 5 ms always (a fixed
 * pipeline), or growing with what it holds from 1 ms idle to 10 ms at full rate (Kafka's produce batching: the
 * response time at capacity is far above the minimum). A light period (2 requests/ms, CPU 300) comes first, then a
 * burst of 3 × the capacity with the CPU at 900, then the light load again with the CPU still high, as with a
 * burner beside the node.
 */
class BbrConvergenceTest {
    private static final long US = SimulatedServer.US;
    private static final long MS = SimulatedServer.MS;
    private static final long SECOND = SimulatedServer.SECOND;
    private static final long STEP = 100 * US;
    private static final int PER_MS = 20;
    private static final OverloadConfig CONFIG = new OverloadConfig(true, 0.8, "system", Duration.ofMillis(250),
            0.8, Duration.ofSeconds(10), 100, Duration.ofSeconds(1));

    private static final Service FIXED = n -> 5 * MS;
    private static final Service BATCHING = n -> MS + 9 * MS * Math.min(n, 200) / 200;

    private final SimulatedServer server = new SimulatedServer(CONFIG, STEP, 100 * SECOND, 300);
    private final BbrLimiter limiter = server.limiter();

    @Test
    void shouldAdmitAtLeastFourFifthsOfTheCapacityInABurstAfterALightPeriod() {
        Stretch light = run(FIXED, 2, 10 * SECOND);
        assertThat(light.refused()).isZero();
        assertThat(limiter.maxInFlight()).isEqualTo(10); // 200 passes per bucket × 5 ms: what the light load showed
        server.cpu(900);
        Stretch first = run(FIXED, 3 * PER_MS, 2 * SECOND);
        Stretch rest = run(FIXED, 3 * PER_MS, 8 * SECOND);
        System.out.printf("bbr fixed 5 ms: burst first 2 s %s; then %.0f accepted/s (capacity %d/s), mean RT %.2f ms,"
                + " max %.2f ms, capacity %d in flight%n", first, rest.passed() / 8.0, PER_MS * 1000,
                rest.meanRtMs(), rest.maxRtNanos() / (double) MS, limiter.maxInFlight());
        assertThat(rest.passed() / 8.0).isGreaterThanOrEqualTo(0.8 * PER_MS * 1000);
        assertThat(rest.refused()).isPositive(); // 3 × the capacity: it sheds the excess
        // The probing margin queues at most a quarter of the latency: well under 2 × the server's own 5 ms.
        assertThat(rest.meanRtMs()).isLessThan(10);
        assertThat(limiter.maxInFlight()).isBetween(80L, 130L); // the true capacity: 20/ms × 5 ms = 100
    }

    @Test
    void shouldAdmitAtLeastFourFifthsOfTheCapacityWhenTheResponseTimeGrowsWithTheRate() {
        run(BATCHING, 2, 10 * SECOND);
        long lightCapacity = limiter.maxInFlight();
        assertThat(lightCapacity).isLessThanOrEqualTo(3); // ~1.1 ms at 2/ms: Kratos' rule would stay about here
        server.cpu(900);
        run(BATCHING, 3 * PER_MS, 2 * SECOND);
        Stretch rest = run(BATCHING, 3 * PER_MS, 8 * SECOND);
        System.out.printf("bbr batching 1-10 ms: after 2 s %.0f accepted/s (capacity %d/s), mean RT %.2f ms,"
                + " capacity %d in flight (light period: %d), capacity RT %.2f ms, min RT %.2f ms%n",
                rest.passed() / 8.0, PER_MS * 1000, rest.meanRtMs(), limiter.maxInFlight(), lightCapacity,
                limiter.capacityRtNanos() / (double) MS, limiter.minRtNanos() / (double) MS);
        assertThat(rest.passed() / 8.0).isGreaterThanOrEqualTo(0.8 * PER_MS * 1000);
        assertThat(rest.refused()).isPositive();
        assertThat(rest.meanRtMs()).isLessThan(20); // 2 × the 10 ms the server takes at its full rate
    }

    @Test
    void shouldNeverShedAHealthyNodeWhateverTheLoad() {
        run(FIXED, 2, 10 * SECOND);
        server.cpu(799);
        Stretch burst = run(FIXED, 3 * PER_MS, 5 * SECOND);
        assertThat(burst.refused()).isZero();
        assertThat(burst.accepted()).isEqualTo(5 * 3 * PER_MS * 1000L);
    }

    @Test
    void shouldStopSheddingWithinOneSecondOfTheLoadDroppingWhileTheCpuStaysHigh() {
        run(FIXED, 2, 10 * SECOND);
        server.cpu(900);
        Stretch burst = run(FIXED, 3 * PER_MS, 5 * SECOND);
        assertThat(burst.refused()).isPositive();
        long drop = server.now();
        Stretch after = run(FIXED, 2, 3 * SECOND); // the CPU still at 900 (a burner beside the node)
        System.out.printf("bbr: after the drop %s (last refusal %d ms after it)%n", after,
                after.refused() == 0 ? 0 : (after.lastRefusal() - drop) / MS);
        assertThat(after.refused() == 0 || after.lastRefusal() - drop <= SECOND).isTrue();
        Stretch later = run(FIXED, 2, 2 * SECOND);
        assertThat(later.refused()).isZero();
        assertThat(later.accepted()).isEqualTo(2 * 2 * 1000L);
    }

    @Test
    void shouldKeepSheddingOnlyWhatExceedsTheLimitDuringTheCoolDownThenNothing() {
        run(FIXED, 2, 10 * SECOND);
        server.cpu(900);
        run(FIXED, 3 * PER_MS, 5 * SECOND);
        server.cpu(300); // the CPU falls while the burst goes on: the cool-down keeps shedding the excess for 1 s
        Stretch coolDown = run(FIXED, 3 * PER_MS, SECOND - 10 * MS);
        assertThat(coolDown.refused()).isPositive();
        assertThat(coolDown.passed() / 0.99).isGreaterThanOrEqualTo(0.8 * PER_MS * 1000);
        Stretch over = run(FIXED, 3 * PER_MS, 2 * SECOND);
        assertThat(over.refused()).isLessThan(coolDown.refused()); // past the cool-down: at most its last drops
        Stretch after = run(FIXED, 3 * PER_MS, SECOND);
        assertThat(after.refused()).isZero(); // CPU below the threshold and the cool-down over: never sheds
    }

    /** Offers {@code perMs} requests per millisecond for {@code nanos} of simulated time. */
    private Stretch run(Service latency, double perMs, long nanos) {
        return server.offer(perMs, latency, MS / PER_MS, nanos);
    }
}
