package io.jgoim.common.health;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What a node knows of one thing it depends on: up or down as last observed (by a {@link Probe} the
 * {@link NodeHealth} runs, or by reports from the node's own calls through {@link #up()} and {@link #down(String)}),
 * since when, and why. A <em>critical</em> dependency makes the node unready when it never came up since start, or
 * when it has been down for longer than its grace; within the grace the node stays ready (a blip is not a reason to
 * leave the load balancer). A non-critical one is only shown. Any thread; the fields are volatile and a report is
 * a couple of writes.
 */
public final class Dependency {
    /** The state of a dependency, grace applied. */
    public enum State {
        /** The last observation succeeded. */
        UP,
        /** Down, but for less than the grace: the node still counts it as usable. */
        DEGRADED,
        /** Down beyond the grace, or never up since start. */
        DOWN
    }

    private final String name;
    private final boolean critical;
    private final long graceNanos;
    private final LongSupplier nanoClock;
    private volatile boolean up;
    private volatile boolean everUp;
    private volatile long downSinceNanos;
    private volatile String reason = "not checked yet";

    Dependency(String name, boolean critical, long graceNanos, LongSupplier nanoClock) {
        this.name = name;
        this.critical = critical;
        this.graceNanos = graceNanos;
        this.nanoClock = nanoClock;
        this.downSinceNanos = nanoClock.getAsLong();
    }

    /** An observation that the dependency works. */
    public void up() {
        everUp = true;
        up = true;
        reason = null;
    }

    /** An observation that it does not, with the reason shown in /health. */
    public void down(String why) {
        if (up) {
            downSinceNanos = nanoClock.getAsLong();
        }
        up = false;
        reason = why == null ? "unknown" : why;
    }

    public String name() {
        return name;
    }

    /** True when the node's readiness depends on it. */
    public boolean isCritical() {
        return critical;
    }

    public long graceMillis() {
        return TimeUnit.NANOSECONDS.toMillis(graceNanos);
    }

    /** The raw last observation, grace not applied ({@code jgoim_dependency_up}). */
    public boolean isUp() {
        return up;
    }

    /** True once an observation said up (the grace applies only after that). */
    public boolean wasEverUp() {
        return everUp;
    }

    /** The state with the grace applied. */
    public State state() {
        if (up) {
            return State.UP;
        }
        if (!everUp) {
            return State.DOWN;
        }
        return nanoClock.getAsLong() - downSinceNanos > graceNanos ? State.DOWN : State.DEGRADED;
    }

    /** How long it has been down (0 when up); since start when it never came up. */
    public long downForMillis() {
        return up ? 0 : TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - downSinceNanos);
    }

    /** Why it is down, null when up. */
    public String reason() {
        return reason;
    }

    /** True when this dependency keeps the node from being ready now. */
    public boolean blocksReadiness() {
        return critical && state() == State.DOWN;
    }
}
