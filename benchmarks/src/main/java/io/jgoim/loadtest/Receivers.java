package io.jgoim.loadtest;

import io.jgoim.client.ClientListener;
import io.jgoim.loadtest.metrics.RunMetrics;

/**
 * Benchmark access to the load tool's room receiver ({@link RoomBroadcastScenario.Receiver}), the listener every
 * subscribing session of {@code room-broadcast} runs: it times each delivery into the run's {@code e2e} histogram and
 * classifies its sequence. Lives in the load tool's package inside the benchmarks module so that the receiver stays
 * package-private.
 */
public final class Receivers {
    private Receivers() {
    }

    /** A receiver of business op {@code op} recording into {@code metrics} (which must have an "e2e" histogram). */
    public static ClientListener room(int op, RunMetrics metrics) {
        return new RoomBroadcastScenario.Receiver(op, metrics.loopRecorder("e2e"),
                metrics.counter("messages.delivered"), metrics.counter("messages.foreign"),
                metrics.counter("messages.prewarm"));
    }

    /** How many deliveries {@code listener} (from {@link #room}) timed so far. */
    public static long seen(ClientListener listener) {
        return ((RoomBroadcastScenario.Receiver) listener).seen();
    }
}
