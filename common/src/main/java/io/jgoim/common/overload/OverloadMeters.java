package io.jgoim.common.overload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of adaptive shedding and client-side throttling, registered when the node starts (so they read 0 before
 * the first refusal). Labels are bounded: {@code place} is one of a node's fixed shedding points ({@code push_api},
 * {@code connect}, {@code auth}); {@code peer} of a throttle is a node id (one per comet or logic target). Stateless.
 */
public final class OverloadMeters {
    private OverloadMeters() {
    }

    /**
     * Registers the gauges of {@code limiter} at {@code place} of node type {@code node} and returns the counter of
     * its refusals ({@code jgoim_<node>_overload_shed_total{place}}).
     */
    public static Counter bind(MeterRegistry registry, String node, String place, BbrLimiter limiter) {
        String prefix = "jgoim_" + node + "_overload_";
        Gauge.builder(prefix + "cpu_permille", limiter, BbrLimiter::cpuPermille).tag("place", place)
                .description("smoothed CPU load (per mille) the adaptive limiter compares with overload.cpuThreshold")
                .register(registry);
        Gauge.builder(prefix + "capacity", limiter, BbrLimiter::maxInFlight).tag("place", place)
                .description("requests the node has shown it can carry at once: max passes per bucket x the RT at"
                        + " that pass rate, or the carried peak if more (shedding admits overload.probeMargin more)")
                .register(registry);
        Gauge.builder(prefix + "carried_inflight", limiter, BbrLimiter::carriedInFlight).tag("place", place)
                .description("most requests held at once in a bucket at the best pass rate whose RT stayed within"
                        + " overload.carriedRt of the RT at that rate").register(registry);
        Gauge.builder(prefix + "inflight", limiter, BbrLimiter::inFlight).tag("place", place)
                .description("requests admitted by the adaptive limiter and not yet finished").register(registry);
        Gauge.builder(prefix + "min_rt_seconds", limiter, l -> l.minRtNanos() / 1e9).tag("place", place)
                .description("lowest mean response time of one bucket in the window").register(registry);
        Gauge.builder(prefix + "capacity_rt_seconds", limiter, l -> l.capacityRtNanos() / 1e9).tag("place", place)
                .description("response time the capacity is computed with: the lowest mean of the buckets that"
                        + " passed at least overload.nearBest (31/32) of the best one").register(registry);
        Gauge.builder(prefix + "cooling_down", limiter, l -> l.isCoolingDown() ? 1 : 0).tag("place", place)
                .description("1 while the limiter keeps shedding after its last drop under high CPU")
                .register(registry);
        Gauge.builder(prefix + "saturated", limiter, l -> l.isSaturated() ? 1 : 0).tag("place", place)
                .description("1 while the limiter counts the node saturated (shedding, best pass rate no longer"
                        + " growing) and admits the probing margin in one bucket of overload.probeCycle only")
                .register(registry);
        return Counter.builder(prefix + "shed").tag("place", place)
                .description("requests refused by adaptive shedding (CPU over threshold and in-flight over capacity)")
                .register(registry);
    }

    /**
     * The counter of calls to {@code peer} that {@code node} refused locally
     * ({@code jgoim_<node>_throttle_rejected_total{peer}}), and the gauge of the current refusal probability.
     */
    public static Counter bindThrottle(MeterRegistry registry, String node, String peer, AdaptiveThrottle throttle) {
        String prefix = "jgoim_" + node + "_throttle_";
        Gauge.builder(prefix + "reject_probability", throttle, AdaptiveThrottle::rejectProbability).tag("peer", peer)
                .description("probability that the next call to the peer is refused locally (SRE adaptive throttling)")
                .register(registry);
        return Counter.builder(prefix + "rejected").tag("peer", peer)
                .description("calls refused locally by client-side adaptive throttling (the peer refused most calls)")
                .register(registry);
    }
}
