package io.jgoim.comet.metrics;

import io.jgoim.common.metrics.HistogramBuckets;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code jgoim_comet_push_latency_seconds{kind}}: end to end, from logic accepting a push ({@code created_at_ms}, set
 * at publish) to this comet having handed it to its sessions: for key and member pushes once the frame is in every
 * target session's outbound queue, for room and broadcast pushes once every event loop wrote the frame to its members.
 * One observation per push per comet, never per session; a push that reached none of this comet's sessions is not
 * observed. The clocks of logic's and the comet's hosts both count, so skew between them shows here; an observation
 * from a clock behind logic's (negative) is dropped. Kinds are a fixed set; timers are registered at construction.
 * Thread-safe and allocation-free (Micrometer's histogram buckets are atomic counters).
 */
public final class PushLatency {
    /** What a push was addressed to. */
    public enum Kind { KEY, MID, ROOM, BROADCAST }

    private final Timer[] timers = new Timer[Kind.values().length];
    /** Room and broadcast only: from this comet receiving the request to every loop having written it. */
    private final Timer[] fanOut = new Timer[Kind.values().length];

    public PushLatency(MeterRegistry registry) {
        for (Kind k : Kind.values()) {
            timers[k.ordinal()] = HistogramBuckets.age(Timer.builder("jgoim_comet_push_latency")
                    .tag("kind", k.name().toLowerCase(Locale.ROOT))
                    .description("from logic accepting a push to this comet handing it to its sessions"))
                    .register(registry);
        }
        for (Kind k : new Kind[] {Kind.ROOM, Kind.BROADCAST}) {
            fanOut[k.ordinal()] = HistogramBuckets.call(Timer.builder("jgoim_comet_push_fanout")
                    .tag("kind", k.name().toLowerCase(Locale.ROOT))
                    .description("from this comet receiving a room or broadcast request to every event loop having "
                            + "written it: the comet's own share of jgoim_comet_push_latency")).register(registry);
        }
    }

    /** Meters into a private registry (tests, benchmarks). */
    public static PushLatency noop() {
        return new PushLatency(new SimpleMeterRegistry());
    }

    /** One push of {@code kind}, created at {@code createdAtMs} (0: unknown, an older job; ignored), written now. */
    public void written(Kind kind, long createdAtMs, long nowMs) {
        if (createdAtMs > 0 && nowMs >= createdAtMs) {
            timers[kind.ordinal()].record(nowMs - createdAtMs, TimeUnit.MILLISECONDS);
        }
    }

    /** One room or broadcast request ({@code kind}), received at {@code receivedNanos}, written by every loop now. */
    public void fannedOut(Kind kind, long receivedNanos, long nowNanos) {
        Timer t = fanOut[kind.ordinal()];
        if (t != null) {
            t.record(nowNanos - receivedNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The fan-out timer of {@code kind}: null for key and member pushes (tests). */
    public Timer fanOutTimer(Kind kind) {
        return fanOut[kind.ordinal()];
    }

    /** The timer of {@code kind} (tests). */
    public Timer timer(Kind kind) {
        return timers[kind.ordinal()];
    }
}
