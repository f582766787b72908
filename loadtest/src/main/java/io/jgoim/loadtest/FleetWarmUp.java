package io.jgoim.loadtest;

import io.jgoim.loadtest.metrics.RunMetrics;
import io.jgoim.loadtest.metrics.ThreadCpu;
import io.netty.channel.EventLoopGroup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The unmeasured warm-up before a scenario's measured fleet: a throwaway {@link SessionFleet} compiles the connect
 * path of a cold JVM (client and server), then the JIT compiler threads are given time to go idle. Apart from the
 * fleet, which measures; static, called from the scenario's thread.
 */
final class FleetWarmUp {
    private FleetWarmUp() {
    }

    /**
     * Opens {@code options.warmup()} sessions at the connect rate and closes them again, unmeasured: the first
     * thousands of connects of a cold JVM (client and server) measure the JIT, not the server. Then waits (at most
     * {@value #SETTLE_MAX_MILLIS} ms) until the JIT compiler threads are idle: C2 still compiles for seconds after
     * the warm-up sessions, and inside the measured window that CPU was as large as the event loops' own.
     */
    static void warmUp(SessionOptions options) {
        warmUp(options, null);
    }

    /**
     * As above, on {@code shared} event loops when not null: the measured fleet then runs on the very threads and
     * objects the warm-up compiled for (a new group after the warm-up cost deoptimisations and recompiles).
     */
    static void warmUp(SessionOptions options, EventLoopGroup shared) {
        if (options.warmup() == 0) {
            return;
        }
        SessionOptions w = options.withSessions(options.warmup(), options.connectRate()).withWarmup(0);
        try (RunMetrics throwaway = new RunMetrics(List.of("ready", "connect", "auth"), List.of(), 0);
             SessionFleet fleet = new SessionFleet(w, throwaway, shared)) {
            fleet.open(null);
        }
        awaitIdleCompiler();
    }

    private static final long SETTLE_MAX_MILLIS = 10_000;

    /** Until the JIT compiler threads used under 5 % of a core over the last 200 ms (or the cap passed). */
    static void awaitIdleCompiler() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MILLIS);
        double before = compilerSeconds();
        while (System.nanoTime() < end) {
            ConnectScenario.sleepNanos(TimeUnit.MILLISECONDS.toNanos(200));
            double now = compilerSeconds();
            if (now - before <= 0.01) {
                return;
            }
            before = now;
        }
    }

    private static double compilerSeconds() {
        double s = 0;
        for (Map.Entry<String, Long> e : ThreadCpu.snapshot().values()) {
            if (e.getKey().contains("CompilerThre")) {
                s += e.getValue() / (double) io.jgoim.loadtest.metrics.ProcessStats.TICKS_PER_SECOND;
            }
        }
        return s;
    }
}
