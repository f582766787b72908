package io.jgoim.common.overload;

import io.jgoim.common.overload.SimulatedServer.Service;
import io.jgoim.common.overload.SimulatedServer.Stretch;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BBR limiter in front of a node that a closed pool of clients keeps saturated (a business service's HTTP pool of
 * one request per connection with a backlog it cannot clear: each connection sends again as soon as it has its reply,
 * accepted or refused), on an injected clock and CPU, with the production window (10 s of 100 ms buckets), threshold
 * 800 per mille, 1 s cool-down. The node carries 20 requests per millisecond at 5 ms each: 100 in flight at its full
 * rate with no queue ({@link SimulatedServer}).
 *
 * <p>A pool holds the same number in flight whatever the node does, so a node that lets it in has a response time
 * flat at pool / rate (50 ms for 1,000 connections). Met with the CPU already high, the limiter sheds from the first
 * bucket and the queue never forms; a pool smaller than what the node carries is never refused; a pool that shrinks
 * below it stops being refused. Not covered, a known limit (docs/operations.md, "Adaptive shedding", limit (5)): a
 * pool that fills the node while its CPU average still climbs is counted as carried and never shed (this simulation:
 * 1,000 in flight and a 49.8 ms mean window after window, 0 refused).
 */
class BbrClosedPoolTest {
    private static final long US = SimulatedServer.US;
    private static final long MS = SimulatedServer.MS;
    private static final long SECOND = SimulatedServer.SECOND;
    private static final long SPACING = 50 * US;
    private static final long WINDOW = 10 * SECOND;
    private static final OverloadConfig CONFIG = new OverloadConfig(true, 0.8, "system", Duration.ofMillis(250),
            0.8, Duration.ofSeconds(10), 100, Duration.ofSeconds(1));
    private static final Service FIXED = n -> 5 * MS;
    /** In flight at most: the capacity with the probing margin on an estimate the margin above it. */
    private static final double BOUND = (1 + OverloadConfig.PROBE_MARGIN) * (1 + OverloadConfig.PROBE_MARGIN);

    /** A step of 0.5 ms: a refused connection sends again half a millisecond later (a 429's round trip). */
    private final SimulatedServer server = new SimulatedServer(CONFIG, 500 * US, 100 * SECOND, 300);

    @Test
    void shouldKeepAFullPoolMetWithAHighCpuToWhatTheNodeCarries() {
        server.offer(2, FIXED, SPACING, WINDOW); // a light window: 2 per ms, 10 in flight, 5 ms each
        server.cpu(900);
        Stretch first = server.pool(1_000, FIXED, SPACING, WINDOW);
        print("first window", first);
        for (int w = 2; w <= 3; w++) {
            Stretch s = server.pool(1_000, FIXED, SPACING, WINDOW);
            print("window " + w, s);
            assertThat(s.passed()).as("passed in window %d", w).isGreaterThanOrEqualTo((long) (0.9 * 20 * 10_000));
            assertThat(s.maxInFlight()).as("most in flight in window %d", w).isLessThanOrEqualTo((long) (100 * BOUND)
                    + 1);
            assertThat(s.meanRtMs()).as("mean response time in window %d", w)
                    .isLessThan(5 * (1 + OverloadConfig.PROBE_MARGIN));
            assertThat(s.refused()).as("the pool's excess is refused, not queued").isPositive();
        }
        assertThat(server.limiter().isSaturated()).isTrue();
    }

    @Test
    void shouldNeverRefuseAPoolTheNodeCarriesWithoutAQueueWhateverTheCpu() {
        server.offer(2, FIXED, SPACING, WINDOW);
        server.cpu(900);
        // 80 connections: 80 in flight at 5 ms each, 16 per ms, below the node's 20.
        for (int w = 1; w <= 3; w++) {
            Stretch s = server.pool(80, FIXED, SPACING, WINDOW);
            print("80 connections, window " + w, s);
            if (w > 1) { // the first window climbs from the light one's estimate, as any load does
                assertThat(s.refused()).as("refused in window %d", w).isZero();
                assertThat(s.passed()).isGreaterThanOrEqualTo(14 * 10_000);
            }
        }
    }

    @Test
    void shouldStopRefusingWhenThePoolShrinksBelowWhatTheNodeCarries() {
        server.offer(2, FIXED, SPACING, WINDOW);
        server.cpu(900);
        server.pool(1_000, FIXED, SPACING, WINDOW);
        server.pool(1_000, FIXED, SPACING, WINDOW);
        // The backlog is cleared: the service's pool holds 60 requests in flight from now on (12 per ms). The probing
        // cycle ends within the cool-down and what the node carries passes whole.
        server.pool(60, FIXED, SPACING, 2 * SECOND);
        Stretch s = server.pool(60, FIXED, SPACING, WINDOW);
        print("60 connections after the backlog", s);
        assertThat(s.refused()).isZero();
        assertThat(server.limiter().isSaturated()).isFalse();
    }

    @Test
    void shouldKeepAFullPoolNearWhatTheNodeCarriesWhenTheResponseTimeGrowsWithTheRate() {
        // 1 ms idle to 10 ms at 200 held (Kafka's produce batching): 200 in flight at 20 per ms with no queue. The
        // pool's 1,000 would hold a 50 ms response time, which is within the service's own growth of 10 x.
        Service batching = n -> MS + 9 * MS * Math.min(n, 200) / 200;
        server.offer(2, batching, SPACING, WINDOW);
        server.cpu(900);
        for (int w = 1; w <= 3; w++) {
            Stretch s = server.pool(1_000, batching, SPACING, WINDOW);
            print("batching, window " + w, s);
            if (w > 1) {
                assertThat(s.passed()).isGreaterThanOrEqualTo((long) (0.9 * 20 * 10_000));
                assertThat(s.maxInFlight()).isLessThanOrEqualTo((long) (200 * BOUND) + 1);
                assertThat(s.meanRtMs()).isLessThan(10 * (1 + OverloadConfig.PROBE_MARGIN));
            }
        }
    }

    private void print(String name, Stretch s) {
        System.out.printf("bbr closed pool %s: %.0f passed/s, %d refused, mean RT %.2f ms, max %.2f ms, most in flight"
                + " %d, capacity %d%n", name, s.passed() * (double) SECOND / WINDOW, s.refused(), s.meanRtMs(),
                s.maxRtNanos() / (double) MS, s.maxInFlight(), server.limiter().maxInFlight());
    }
}
