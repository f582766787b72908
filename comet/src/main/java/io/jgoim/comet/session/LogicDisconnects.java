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

    private final LogicService logic;
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
        this(logic, window, maxQueued, ATTEMPTS, FIRST_BACKOFF_MS, MAX_BACKOFF_MS, registry);
    }

    /**
     * @param attempts       calls of one Disconnect that reach logic at most
     * @param firstBackoffMs the wait before the first retry or re-offer, doubling to {@code maxBackoffMs}
     */
    LogicDisconnects(LogicService logic, int window, int maxQueued, int attempts, long firstBackoffMs,
                     long maxBackoffMs, MeterRegistry registry) {
        this.logic = logic;
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
    }

    /** Tells logic that this comet's session {@code key} of member {@code mid} is gone; never blocks. */
    public void submit(DisconnectReq request) {
        enqueue(new Call(request));
    }

    private void enqueue(Call call) {
        synchronized (this) {
            if (queue.size() >= maxQueued) {
                givenUp.increment();
                return;
            }
            queue.addLast(call);
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
            if (error != null && call.isRefusedLocally()) {
                later(call, call.refusals()); // refused by the throttle (inline): it never reached logic
            } else if (error != null) {
                retry(call, error);
            }
            pump();
        });
    }

    private void retry(Call call, Throwable error) {
        call.attempts++;
        if (call.attempts >= attempts) {
            givenUp.increment();
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
