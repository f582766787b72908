package io.jgoim.comet.session;

import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The comet's Disconnect calls to logic, flow-controlled and retried: at most {@code window} are in flight at once,
 * the rest wait here in order, so 15,000 sessions closing together reach logic at the pace it answers instead of as
 * 15,000 concurrent calls that outlast their deadline. A call that fails (logic or its Redis unavailable, a deadline
 * passed) is sent again with a doubling backoff up to {@link #ATTEMPTS} times: a removal is idempotent and
 * conditional on the route still naming this comet, so repeating it is safe, and a lost one would leave a stale
 * route until its ttl. Only past {@code maxQueued} waiting calls, or after the last attempt, is one given up (counted;
 * the route's ttl ends it). One per comet; thread-safe.
 */
public final class LogicDisconnects {
    private static final Logger log = LoggerFactory.getLogger(LogicDisconnects.class);
    /** Disconnect calls in flight at most, by default: a fraction of logic's session write queue per comet. */
    public static final int DEFAULT_WINDOW = 256;
    /** Disconnect calls waiting at most, by default: a few MiB, far more sessions than one comet holds. */
    public static final int DEFAULT_MAX_QUEUED = 500_000;
    /** Sends of one Disconnect at most. */
    static final int ATTEMPTS = 8;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private record Call(DisconnectReq request, int attempt) {
    }

    private final LogicService logic;
    private final int window;
    private final int maxQueued;
    private final ArrayDeque<Call> queue = new ArrayDeque<>();
    private final Counter retried;
    private final Counter givenUp;
    private int inFlight; // guarded by this
    private boolean pumping; // guarded by this
    private int backingOff; // calls waiting for their retry's backoff; guarded by this

    public LogicDisconnects(LogicService logic, int window, int maxQueued, MeterRegistry registry) {
        this.logic = logic;
        this.window = window;
        this.maxQueued = maxQueued;
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
        enqueue(new Call(request, 1));
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
            f = logic.disconnect(call.request());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((reply, error) -> {
            synchronized (this) {
                inFlight--;
            }
            if (error != null) {
                retry(call, error);
            }
            pump();
        });
    }

    private void retry(Call call, Throwable error) {
        if (call.attempt() >= ATTEMPTS) {
            givenUp.increment();
            if (log.isDebugEnabled()) {
                log.debug("logic disconnect for {} given up after {} attempts: {}", call.request().getKey(),
                        call.attempt(), error.toString());
            }
            return;
        }
        retried.increment();
        long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << (call.attempt() - 1));
        Executor later = CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS);
        synchronized (this) {
            backingOff++;
        }
        later.execute(() -> {
            synchronized (this) {
                backingOff--;
            }
            enqueue(new Call(call.request(), call.attempt() + 1));
        });
    }

    /** Disconnect calls waiting, in flight or backing off before a retry now. */
    public synchronized int pending() {
        return queue.size() + inFlight + backingOff;
    }
}
