package io.jgoim.loadtest;

import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.loadtest.metrics.EpochClock;
import io.jgoim.loadtest.metrics.LoopRecorder;
import io.jgoim.loadtest.metrics.Payload;
import io.jgoim.loadtest.metrics.RunMetrics;
import io.jgoim.loadtest.metrics.SequenceTracker;
import io.netty.buffer.ByteBuf;
import org.HdrHistogram.SingleWriterRecorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code room-broadcast} scenario: N subscribers in one room, one publisher at R messages per second for T
 * seconds through the HTTP API, every delivery timed end to end (receiver's clock minus the payload's intended send
 * time) and checked for loss, duplicates and order.
 *
 * <p>Counts: the session counts of {@link ConnectScenario}, {@code sessions.subscribed} (authenticated when
 * publishing began), {@code messages.sent} / {@code messages.accepted} (publisher), {@code messages.delivered} (every
 * receipt), {@code messages.distinct}, {@code messages.duplicates}, {@code messages.outOfOrder},
 * {@code messages.expected} (subscribed x accepted) and {@code messages.lost} (expected - distinct). Histograms:
 * {@code e2e}, {@code push}, {@code connect}, {@code auth} (microseconds).
 */
public final class RoomBroadcastScenario {
    public static final String NAME = "room-broadcast";

    private RoomBroadcastScenario() {
    }

    public static ScenarioResult run(RoomBroadcastOptions options) {
        return run(options, Coordinator.NONE);
    }

    /** Runs stand-alone, or as a subscriber-only worker ({@code publish} false) that its parent stops. */
    public static ScenarioResult run(RoomBroadcastOptions options, Coordinator coordinator) {
        FleetWarmUp.warmUp(options.sessions());
        RunMetrics metrics = new RunMetrics(List.of("e2e", "push", "ready", "connect", "auth"),
                List.of("messages.delivered", "messages.sent"), options.push().serverPid());
        List<Receiver> receivers = new ArrayList<>();
        long subscribed;
        long accepted = 0;
        long held;
        try (SessionFleet fleet = new SessionFleet(options.sessions(), metrics)) {
            LoopRecorder e2e = metrics.loopRecorder("e2e");
            LongAdder delivered = metrics.counter("messages.delivered");
            LongAdder foreign = metrics.counter("messages.foreign");
            LongAdder prewarm = metrics.counter("messages.prewarm");
            int op = options.push().operation();
            fleet.open(index -> {
                Receiver r = new Receiver(op, e2e, delivered, foreign, prewarm);
                receivers.add(r);
                return r;
            });
            subscribed = fleet.open();
            metrics.markServerHeld();
            coordinator.phase("SUBSCRIBED");
            if (options.publish()) {
                prewarm(options);
                accepted = new OpenLoopPublisher(options.push(), metrics).run();
                awaitDrain(receivers, subscribed * accepted, options.grace());
            } else {
                coordinator.awaitStop(options.push().duration().plus(options.grace()).plus(Duration.ofMinutes(2)));
            }
            held = fleet.open();
        }
        // The event loops have terminated: the receivers' plain fields are safe to read here.
        long distinct = 0;
        long duplicates = 0;
        long outOfOrder = 0;
        for (Receiver r : receivers) {
            distinct += r.tracker.distinct();
            duplicates += r.tracker.duplicates();
            outOfOrder += r.tracker.outOfOrder();
        }
        Map<String, Long> extra = new LinkedHashMap<>();
        extra.put("sessions.held", held);
        extra.put("sessions.subscribed", subscribed);
        extra.put("messages.distinct", distinct);
        extra.put("messages.duplicates", duplicates);
        extra.put("messages.outOfOrder", outOfOrder);
        ScenarioResult result = metrics.result(NAME, parameters(options), extra);
        return options.publish() ? withLoss(result) : result;
    }

    /**
     * Publishes {@link RoomBroadcastOptions#prewarm()} worth of unmeasured messages (publisher id
     * {@link Payload#PREWARM_PUBLISHER}, same rate, room and size), then waits for them to drain: up to the grace, at
     * most 3 s. Receivers count them in {@code messages.prewarm} and nowhere else.
     */
    static void prewarm(RoomBroadcastOptions o) {
        if (o.prewarm().isZero()) {
            return;
        }
        OpenLoopPublisher.unmeasured(o.push(), o.prewarm(), Payload.PREWARM_PUBLISHER);
        ConnectScenario.sleepNanos(Math.min(o.grace().toNanos(), TimeUnit.SECONDS.toNanos(3)));
    }

    /** Adds {@code messages.expected} and {@code messages.lost} (after merging workers, on the merged result). */
    static ScenarioResult withLoss(ScenarioResult r) {
        Map<String, Long> counts = new LinkedHashMap<>(r.counts());
        long expected = r.count("sessions.subscribed") * r.count("messages.accepted");
        counts.put("messages.expected", expected);
        counts.put("messages.lost", Math.max(0, expected - r.count("messages.distinct")));
        return new ScenarioResult(r.scenario(), r.startedAt(), r.durationSeconds(), r.processes(), r.parameters(),
                counts, r.failures(), r.latencies(), r.histograms(), r.samples(), r.server(), r.window());
    }

    private static void awaitDrain(List<Receiver> receivers, long expected, Duration grace) {
        long end = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < end) {
            long seen = 0;
            for (Receiver r : receivers) {
                seen += r.seen();
            }
            if (seen >= expected) {
                return;
            }
            ConnectScenario.sleepNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    static Map<String, Object> parameters(RoomBroadcastOptions o) {
        Map<String, Object> p = ConnectScenario.sessionParameters(o.sessions());
        p.putAll(PushScenario.parameters(o.push()));
        p.put("grace", o.grace().toString());
        return p;
    }

    /**
     * One subscriber's receive path, on its event loop: time, classify, count. Per delivered message it pays one
     * clock read, the loop's own latency recorder (no value shared with other loops but the counter's cells) and a
     * release store of {@code seen}: on two cores shared with the server, every nanosecond here is the server's.
     */
    static final class Receiver implements ClientListener {
        private static final VarHandle SEEN;

        static {
            try {
                SEEN = MethodHandles.lookup().findVarHandle(Receiver.class, "seen", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final int op;
        private final LoopRecorder e2e;
        private final LongAdder delivered;
        private final LongAdder foreign;
        private final LongAdder prewarm;
        private final SequenceTracker tracker = new SequenceTracker();
        /** The loop's recorder and its thread, fetched on the first delivery (a client stays on one loop). */
        private SingleWriterRecorder loopE2e;
        private Thread loopThread;
        /** Written with release semantics by the loop, read (volatile) by {@link #awaitDrain}. */
        private volatile long seen;

        Receiver(int op, LoopRecorder e2e, LongAdder delivered, LongAdder foreign, LongAdder prewarm) {
            this.op = op;
            this.prewarm = prewarm;
            this.e2e = e2e;
            this.delivered = delivered;
            this.foreign = foreign;
        }

        /** Distinct deliveries timed so far; any thread. */
        long seen() {
            return seen;
        }

        @Override
        public void onPush(JgoimClient client, int pushOp, int seq, ByteBuf body) {
            if (pushOp != op || !Payload.isPayload(body)) {
                foreign.increment();
                return;
            }
            if (Payload.publisherId(body) == Payload.PREWARM_PUBLISHER) {
                prewarm.increment();
                return;
            }
            long latency = EpochClock.nowEpochNanos() - Payload.sendEpochNanos(body);
            recorder().recordValue(Math.max(0, latency / 1000));
            tracker.record(Payload.sequence(body));
            delivered.increment();
            SEEN.setRelease(this, tracker.distinct());
        }

        private SingleWriterRecorder recorder() {
            Thread t = Thread.currentThread();
            if (t != loopThread) {
                loopE2e = e2e.forCurrentThread();
                loopThread = t;
            }
            return loopE2e;
        }
    }
}
