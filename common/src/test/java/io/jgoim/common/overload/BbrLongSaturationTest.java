package io.jgoim.common.overload;

import io.jgoim.common.overload.SimulatedServer.Service;
import io.jgoim.common.overload.SimulatedServer.Stretch;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BBR limiter in front of a node saturated for 10 × its window (100 s of the production 10 s window of 100 ms
 * buckets, threshold 800 per mille, 1 s cool-down), on an injected clock and CPU ({@link SimulatedServer}). Offered
 * 3 × what the node carries with the CPU at 900 after a light period, it must keep what it admits near the node's
 * real capacity (what it holds in flight at its full rate with no queue) window after window: the probing margin
 * buys queue there, not passes, and a queued response time must not become the next window's capacity. Before the
 * probing cycle ({@link ProbeCycle}) the 100-in-flight node held 180 in flight in its second window and 1.25 × more
 * each window after, its mean response time growing as much.
 */
class BbrLongSaturationTest {
    private static final long US = SimulatedServer.US;
    private static final long MS = SimulatedServer.MS;
    private static final long SECOND = SimulatedServer.SECOND;
    private static final int PER_MS = 20;
    private static final long SPACING = MS / PER_MS;
    private static final int WINDOWS = 10;
    private static final long WINDOW = 10 * SECOND;
    private static final OverloadConfig CONFIG = new OverloadConfig(true, 0.8, "system", Duration.ofMillis(250),
            0.8, Duration.ofSeconds(10), 100, Duration.ofSeconds(1));
    /** In flight at most: the capacity with the probing margin on an estimate the margin above it, plus the batch. */
    private static final double BOUND = (1 + OverloadConfig.PROBE_MARGIN) * (1 + OverloadConfig.PROBE_MARGIN);

    private static final Service FIXED = n -> 5 * MS;
    private static final Service BATCHING = n -> MS + 9 * MS * Math.min(n, 200) / 200;
    private static final Service SINGLE = n -> 1_400 * US;

    /** The worst of the windows after the first (learning) one or ones. */
    private record Worst(long inFlight, double meanRtMs, double passedPerSecond) {
        Worst with(Stretch s) {
            return new Worst(Math.max(inFlight, s.maxInFlight()), Math.max(meanRtMs, s.meanRtMs()),
                    Math.min(passedPerSecond, s.passed() * (double) SECOND / WINDOW));
        }
    }

    @Test
    void shouldKeepInFlightNearTheCapacityOfANodeSaturatedForTenWindows() {
        // 20 per ms × 5 ms: 100 in flight at the full rate, none queued.
        SimulatedServer server = lightThenBusy(FIXED);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OverloadMeters.bind(registry, "logic", "push_api", server.limiter());
        Gauge saturated = registry.get("jgoim_logic_overload_saturated").tag("place", "push_api").gauge();
        assertThat(saturated.value()).isZero();
        Worst worst = saturate("fixed 5 ms", server, FIXED, SPACING, 3 * PER_MS, 2);
        assertThat(worst.passedPerSecond()).isGreaterThanOrEqualTo(0.9 * PER_MS * 1000);
        assertThat(worst.inFlight()).isLessThanOrEqualTo((long) (100 * BOUND) + 1);
        assertThat(worst.meanRtMs()).isLessThan(5 * (1 + OverloadConfig.PROBE_MARGIN));
        assertThat(server.limiter().isSaturated()).isTrue();
        assertThat(saturated.value()).isEqualTo(1.0);
        server.offer(2, FIXED, SPACING, 2 * SECOND); // the load drops, the CPU stays high: probing every bucket again
        assertThat(server.limiter().isSaturated()).isFalse();
        assertThat(saturated.value()).isZero();
    }

    @Test
    void shouldKeepInFlightNearTheCapacityWhenTheResponseTimeGrowsWithTheRate() {
        // 1 ms idle to 10 ms at 200 held: 200 in flight at 20 per ms, 10 ms each, none queued.
        SimulatedServer server = lightThenBusy(BATCHING);
        Worst worst = saturate("batching 1-10 ms", server, BATCHING, SPACING, 3 * PER_MS, 2);
        assertThat(worst.passedPerSecond()).isGreaterThanOrEqualTo(0.9 * PER_MS * 1000);
        assertThat(worst.inFlight()).isLessThanOrEqualTo((long) (200 * BOUND) + 1);
        assertThat(worst.meanRtMs()).isLessThan(10 * (1 + OverloadConfig.PROBE_MARGIN));
    }

    @Test
    void shouldFollowANodeThatGetsSlowerWhileSaturated() {
        SimulatedServer server = lightThenBusy(FIXED);
        saturate("fixed 5 ms", server, FIXED, SPACING, 3 * PER_MS, 2);
        // Half the rate from now on (a costlier request mix): 10 per ms × 5 ms = 50 in flight. The best pass rate of
        // the faster node stays in the window for one window: the worst is taken from the third window on.
        Worst worst = saturate("fixed 5 ms, half the rate", server, FIXED, 2 * SPACING, 3 * PER_MS, 3);
        assertThat(worst.passedPerSecond()).isGreaterThanOrEqualTo(0.9 * PER_MS / 2 * 1000);
        assertThat(worst.inFlight()).isLessThanOrEqualTo((long) (50 * BOUND) + 1);
        assertThat(worst.meanRtMs()).isLessThan(5 * (1 + OverloadConfig.PROBE_MARGIN));
    }

    @Test
    void shouldFollowANodeThatGetsFasterWhileSaturated() {
        SimulatedServer server = lightThenBusy(FIXED);
        saturate("fixed 5 ms", server, FIXED, SPACING, 3 * PER_MS, 2);
        // Twice the rate from now on, still offered more than it carries: 40 per ms × 5 ms = 200 in flight.
        Worst worst = saturate("fixed 5 ms, twice the rate", server, FIXED, SPACING / 2, 3 * PER_MS, 2);
        assertThat(worst.passedPerSecond()).isGreaterThanOrEqualTo(0.9 * 2 * PER_MS * 1000);
        assertThat(worst.inFlight()).isLessThanOrEqualTo((long) (200 * BOUND) + 1);
    }

    @Test
    void shouldKeepInFlightNearWhatASingleThreadedNodeNeedsForItsBatches() {
        // One request at a time, 1.5 ms each (667/s), batches of 20 every 10 ms (2,000/s): to stay busy between two
        // batches it holds 10 ms of work, 7 requests, after each; the batch is the rest, refused.
        SimulatedServer server = new SimulatedServer(CONFIG, 50 * US, 100 * SECOND, 300);
        server.offerBatches(20, 100 * MS, SINGLE, 1_500 * US, 10 * SECOND);
        server.cpu(900);
        Worst worst = new Worst(0, 0, Double.MAX_VALUE);
        for (int w = 1; w <= WINDOWS; w++) {
            Stretch s = server.offerBatches(20, 10 * MS, SINGLE, 1_500 * US, WINDOW);
            print("single thread, batches of 20", w, s, server);
            worst = w == 1 ? worst : worst.with(s);
        }
        assertThat(worst.passedPerSecond()).isGreaterThanOrEqualTo(0.9 * 667);
        assertThat(worst.inFlight()).isLessThanOrEqualTo((long) (7 * BOUND) + 20);
    }

    private static SimulatedServer lightThenBusy(Service latency) {
        SimulatedServer server = new SimulatedServer(CONFIG, 100 * US, 100 * SECOND, 300);
        server.offer(2, latency, SPACING, WINDOW);
        server.cpu(900);
        return server;
    }

    /** Offers {@code perMs} for {@link #WINDOWS} windows; the worst of the windows from {@code from} on. */
    private static Worst saturate(String name, SimulatedServer server, Service latency, long spacing, double perMs,
                                  int from) {
        Worst worst = new Worst(0, 0, Double.MAX_VALUE);
        for (int w = 1; w <= WINDOWS; w++) {
            Stretch s = server.offer(perMs, latency, spacing, WINDOW);
            print(name, w, s, server);
            worst = w < from ? worst : worst.with(s);
        }
        return worst;
    }

    private static void print(String name, int window, Stretch s, SimulatedServer server) {
        System.out.printf("bbr saturated %s, window %d: %.0f passed/s, mean RT %.2f ms, max %.2f ms, most in flight"
                + " %d, capacity %d%n", name, window, s.passed() * (double) SECOND / WINDOW, s.meanRtMs(),
                s.maxRtNanos() / (double) MS, s.maxInFlight(), server.limiter().maxInFlight());
    }
}
