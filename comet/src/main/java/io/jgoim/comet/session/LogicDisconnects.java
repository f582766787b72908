package io.jgoim.comet.session;

import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.ThrottleTicket;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The comet's Disconnect calls to logic, flow-controlled and retried: at most {@code window} are in flight at once,
 * the rest wait here in order, so 15,000 sessions closing together reach logic at the pace it answers instead of as
 * 15,000 concurrent calls that outlast their deadline. A call that fails (logic or its Redis unavailable, a deadline
 * passed) is sent again with a doubling backoff up to {@code attempts} times: a removal is idempotent and
 * conditional on the route still naming this comet, so repeating it is safe, and a lost one would leave a stale
 * route until its ttl. Only past {@code maxQueued} waiting calls, or after the last attempt, is one given up (counted;
 * the route's ttl ends it).
 *
 * <p>A call that the client-side throttle ({@code logic.throttle}) refuses locally reached no one: it is not an
 * attempt and is never given up for it. It waits a backoff that grows with its refusals in a row and is offered
 * again, first in line, as the same request to the throttle (its {@link ThrottleTicket} rides with the call, so it is
 * counted once per window and keeps its draw), as job's links do with their sends. So a logic that refuses for a
 * while delays Disconnects but loses none; the attempts bound only the calls that reached logic and failed. One per
 * comet; thread-safe.
 *
 * <p><b>A late removal must not take a newer session's route.</b> A removal is conditional on the route naming this
 * comet, which a newer session of the same key on this comet also does: a Disconnect held here (logic or its Redis
 * slow, retried, throttled) or the undo of a Connect answered too late could land after the newer session's Connect
 * and delete its route, and pushes to that member found no one until the session's next refresh (ten minutes; found
 * by fault injection on a real cluster with Redis paused during a reconnect ramp). So the Disconnects of each key are
 * counted while pending ({@link #routeWritten}); when the last one of a key ends (answered or given up) and this comet
 * holds a live session with that key, its route is announced again ({@code repair}, a logic Heartbeat, which re-adds a
 * missing route), and a Connect accepted shortly after a Disconnect of its key ended (both may have been at logic at
 * once) is repaired the same way. A repair is one idempotent call; nothing is tracked for a key with nothing pending
 * beyond {@code recentNanos}.
 */
public final class LogicDisconnects {
    private static final Logger log = LoggerFactory.getLogger(LogicDisconnects.class);
    /** Disconnect calls in flight at most, by default: a fraction of logic's session write queue per comet. */
    public static final int DEFAULT_WINDOW = 256;
    /** Disconnect calls waiting at most, by default: a few MiB, far more sessions than one comet holds. */
    public static final int DEFAULT_MAX_QUEUED = 500_000;
    /** Calls of one Disconnect that reach logic at most, by default. */
    static final int ATTEMPTS = 8;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    /**
     * One Disconnect from submit to its end, and its ticket with the throttle: one object however often it is
     * retried or offered again. Runs as its own backoff's timer task.
     */
    private final class Call extends ThrottleTicket implements Runnable {
        private final DisconnectReq request;
        /** Calls that reached logic and failed (local refusals are not among them). */
        private int attempts;

        private Call(DisconnectReq request) {
            this.request = request;
        }

        @Override
        public void run() {
            backedOff(this);
        }
    }

    /** A key's Disconnects still pending here, and when the last one ended. Guarded by its map entry's compute. */
    private static final class KeyState {
        int pending;
        long lastEndedNanos;
    }

    private final LogicService logic;
    private final java.util.concurrent.ConcurrentHashMap<String, KeyState> keys =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.Predicate<String> repair;
    private final long recentNanos;
    private final Counter repaired;
    private final int window;
    private final int maxQueued;
    private final int attempts;
    private final long firstBackoffMs;
    private final long maxBackoffMs;
    private final ArrayDeque<Call> queue = new ArrayDeque<>();
    private final Counter retried;
    private final Counter givenUp;
    private int inFlight; // guarded by this
    private boolean pumping; // guarded by this
    private int backingOff; // calls waiting for their backoff (a retry or a re-offer); guarded by this

    public LogicDisconnects(LogicService logic, int window, int maxQueued, MeterRegistry registry) {
        this(logic, window, maxQueued, ATTEMPTS, FIRST_BACKOFF_MS, MAX_BACKOFF_MS, registry, key -> false, 0);
    }

    /**
     * @param repair      announces again the route of this comet's live session with the key, if it holds one (see
     *                    the class)
     * @param recentNanos how long after a key's last Disconnect ended a Connect of that key is repaired too: the
     *                    longest a Connect may be at logic ({@code protocol.logicTimeout}, with a margin)
     */
    public LogicDisconnects(LogicService logic, int window, int maxQueued, MeterRegistry registry,
                            java.util.function.Predicate<String> repair, long recentNanos) {
        this(logic, window, maxQueued, ATTEMPTS, FIRST_BACKOFF_MS, MAX_BACKOFF_MS, registry, repair, recentNanos);
    }

    /**
     * @param attempts       calls of one Disconnect that reach logic at most
     * @param firstBackoffMs the wait before the first retry or re-offer, doubling to {@code maxBackoffMs}
     */
    LogicDisconnects(LogicService logic, int window, int maxQueued, int attempts, long firstBackoffMs,
                     long maxBackoffMs, MeterRegistry registry, java.util.function.Predicate<String> repair,
                     long recentNanos) {
        this.logic = logic;
        this.repair = repair;
        this.recentNanos = recentNanos;
        this.window = window;
        this.maxQueued = maxQueued;
        this.attempts = attempts;
        this.firstBackoffMs = firstBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        Gauge.builder("jgoim.comet.disconnects.pending", this, LogicDisconnects::pending)
                .description("Disconnect calls to logic waiting or in flight").register(registry);
        this.retried = Counter.builder("jgoim.comet.disconnects.retried")
                .description("Disconnect calls sent again after a failure").register(registry);
        this.givenUp = Counter.builder("jgoim.comet.disconnects.abandoned")
                .description("Disconnect calls given up (queue full or attempts spent): the route waits for its ttl")
                .register(registry);
        this.repaired = Counter.builder("jgoim.comet.routes.repaired")
                .description("routes of live sessions announced again because a Disconnect of the same key, from an "
                        + "earlier session on this comet, may have removed them")
                .register(registry);
    }

    /**
     * The Connect of a session with {@code key} on this comet was accepted (its route written): true when the caller
     * should announce the route again once the session is registered, because a Disconnect of the key ended so
     * recently that it may have been at logic at the same time. With a Disconnect of the key still pending, false:
     * its end repairs the route ({@link #ended}).
     */
    public boolean routeWritten(String key) {
        KeyState st = keys.get(key);
        if (st == null) {
            return false;
        }
        synchronized (st) {
            return st.pending == 0 && System.nanoTime() - st.lastEndedNanos < recentNanos;
        }
    }

    /** Announces {@code key}'s live session's route again (counted), if the comet holds one. */
    public void repair(String key) {
        if (repair.test(key)) {
            repaired.increment();
        }
    }

    private void started(String key) {
        keys.compute(key, (k, st) -> {
            if (st == null) {
                st = new KeyState();
            }
            st.pending++;
            return st;
        });
    }

    /** One Disconnect of {@code key} ended (answered, given up): the last one repairs a live session's route. */
    private void ended(String key) {
        boolean[] last = new boolean[1];
        keys.compute(key, (k, st) -> {
            if (st == null) {
                return null;
            }
            st.pending--;
            st.lastEndedNanos = System.nanoTime();
            last[0] = st.pending == 0;
            return st;
        });
        if (last[0]) {
            repair(key);
            CompletableFuture.delayedExecutor(Math.max(1, recentNanos), TimeUnit.NANOSECONDS).execute(() -> forget(key));
        }
    }

    private void forget(String key) {
        keys.computeIfPresent(key, (k, st) -> st.pending == 0
                && System.nanoTime() - st.lastEndedNanos >= recentNanos ? null : st);
    }

    /** Keys with a Disconnect pending or recently ended (tests, diagnostics). */
    int trackedKeys() {
        return keys.size();
    }

    /** Tells logic that this comet's session {@code key} of member {@code mid} is gone; never blocks. */
    public void submit(DisconnectReq request) {
        started(request.getKey());
        enqueue(new Call(request));
    }

    private void enqueue(Call call) {
        boolean full;
        synchronized (this) {
            full = queue.size() >= maxQueued;
            if (!full) {
                queue.addLast(call);
            }
        }
        if (full) {
            givenUp.increment();
            ended(call.request.getKey());
            return;
        }
        pump();
    }

    /** Sends what the window allows; one thread at a time (a call that completes inline does not recurse). */
    private void pump() {
        synchronized (this) {
            if (pumping) {
                return;
            }
            pumping = true;
        }
        while (true) {
            Call next;
            synchronized (this) {
                if (inFlight >= window || (next = queue.pollFirst()) == null) {
                    pumping = false;
                    return;
                }
                inFlight++;
            }
            send(next);
        }
    }

    private void send(Call call) {
        CompletableFuture<?> f;
        try {
            f = logic.disconnect(call.request, call);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((reply, error) -> {
            synchronized (this) {
                inFlight--;
            }
            if (error == null) {
                ended(call.request.getKey());
            } else if (call.isRefusedLocally()) {
                later(call, call.refusals()); // refused by the throttle (inline): it never reached logic
            } else {
                retry(call, error);
            }
            pump();
        });
    }

    private void retry(Call call, Throwable error) {
        call.attempts++;
        if (call.attempts >= attempts) {
            givenUp.increment();
            ended(call.request.getKey());
            if (log.isDebugEnabled()) {
                log.debug("logic disconnect for {} given up after {} attempts: {}", call.request.getKey(),
                        call.attempts, error.toString());
            }
            return;
        }
        retried.increment();
        later(call, call.attempts);
    }

    /** Offers {@code call} again after the {@code n}-th backoff (100 ms doubling to 5 s by default). */
    private void later(Call call, int n) {
        long backoff = Math.min(maxBackoffMs, firstBackoffMs << Math.min(n - 1, 30));
        synchronized (this) {
            backingOff++;
        }
        CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(call);
    }

    private void backedOff(Call call) {
        if (!call.isRefusedLocally()) {
            synchronized (this) {
                backingOff--;
            }
            enqueue(call); // a retry after a real failure queues again, within maxQueued
            return;
        }
        synchronized (this) {
            backingOff--;
            queue.addFirst(call); // held, never dropped: it was queued before and is counted in pending
        }
        pump();
    }

    /** Disconnect calls waiting, in flight or backing off before a retry or a re-offer now. */
    public synchronized int pending() {
        return queue.size() + inFlight + backingOff;
    }
}
