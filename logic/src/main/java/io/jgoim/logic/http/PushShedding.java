package io.jgoim.logic.http;

import io.jgoim.common.overload.BbrLimiter;
import io.jgoim.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

import java.util.concurrent.CompletableFuture;

/**
 * Adaptive shedding of the push routes ({@code POST /goim/push/keys|mids|room|all}): a push the node's
 * {@link BbrLimiter} refuses is answered at once, before its parameters or body are parsed, with HTTP 429, code 302
 * (OVERLOADED) and {@code Retry-After} (the cool-down in whole seconds). Reads, {@code /metrics} and {@code /health}
 * are never shed: they are cheap and an operator needs them most when the node is busy. With shedding on, an
 * admitted push's work runs after the loop's reads of its round ({@link DeferredPush}), so a refusal is written
 * before the work of the pushes read with it. Thread-safe.
 */
final class PushShedding {
    static final long REJECTED = BbrLimiter.REJECTED;

    private final BbrLimiter limiter;
    private final Counter shed;
    private final String retryAfter;

    PushShedding(BbrLimiter limiter, Counter shed) {
        this.limiter = limiter;
        this.shed = shed;
        this.retryAfter = Long.toString(limiter.retryAfterSeconds());
    }

    /** True for the routes that publish a push. */
    static boolean sheds(Route route) {
        return route == Route.PUSH_KEYS || route == Route.PUSH_MIDS || route == Route.PUSH_ROOM
                || route == Route.PUSH_ALL;
    }

    /** The start time of an admitted push, or {@link #REJECTED} (counted). */
    long tryAcquire() {
        long t = limiter.tryAcquire();
        if (t == REJECTED) {
            shed.increment();
        }
        return t;
    }

    /** The refusal: 429, code 302, Retry-After. */
    FullHttpResponse refusal() {
        FullHttpResponse r = ApiResponse.error(ErrorCode.OVERLOADED, "logic is overloaded; retry after "
                + retryAfter + " s");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        return r;
    }

    /**
     * True when the limiter can refuse (overload.enabled): then an admitted push's work waits until the loop has
     * read and decided every request ready ({@link DeferredPush}); without shedding nothing is refused early, and a
     * push runs in its read as before.
     */
    boolean defers() {
        return limiter.isEnabled();
    }

    /** Ends the pass that started at {@code start} (the reply is ready, whatever its outcome). */
    void release(long start) {
        limiter.release(start);
    }

    /** Ends the pass that started at {@code start} when {@code reply} is ready (whatever its outcome). */
    <T> CompletableFuture<T> releaseWhenDone(long start, CompletableFuture<T> reply) {
        reply.whenComplete((r, e) -> limiter.release(start));
        return reply;
    }
}
