package io.jgoim.common.overload;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.jgoim.protocol.rpc.ThrottleTicket;
import io.micrometer.core.instrument.Counter;

/**
 * Puts an {@link AdaptiveThrottle} in front of every call of one gRPC channel (one peer, or one target balanced over
 * several nodes): a call the throttle refuses fails at once with UNAVAILABLE (description {@code 503:...}, so jgoim's
 * error model reads it as a retryable {@code UNAVAILABLE}) without touching the network; a call that ends with any
 * status but UNAVAILABLE, RESOURCE_EXHAUSTED or DEADLINE_EXCEEDED counts as accepted (the peer was able to work,
 * even if it said no). A call counts only once its outcome is known ({@link AdaptiveThrottle#started}): a slow peer
 * with many calls in flight is not taken for one that refuses them. Sits above the channel's own retries: one
 * application call is one request. Thread-safe.
 *
 * <p>A call is a new request each time, unless it carries a {@link ThrottleTicket} in its options (a caller that
 * offers a refused call again, as the comet's Disconnect queue does): then it is one request per window however often
 * it is offered, each re-offer is decided with its first draw, as job's links do ({@link AdaptiveThrottle}), and the
 * ticket records whether this offer was refused locally, the one sign a caller has of it (the status is the same as a
 * peer's own UNAVAILABLE). Either way a decision allocates nothing (a refused call gets the one shared closed call).
 */
public final class ThrottlingInterceptor implements ClientInterceptor {
    private static final Status REFUSED = Status.UNAVAILABLE.withDescription(
            "503:refused locally by adaptive throttling: the peer refused most recent calls");
    /** What every refused call gets: a closed call holds no state of its own, so one serves all. */
    private static final ClosedCall<Object, Object> REFUSED_CALL = new ClosedCall<>(REFUSED);

    private final AdaptiveThrottle throttle;
    private final Counter rejected;
    private final java.util.Set<String> exempt;

    public ThrottlingInterceptor(AdaptiveThrottle throttle, Counter rejected) {
        this(throttle, rejected, java.util.Set.of());
    }

    /**
     * {@code exempt}: full method names whose calls pass untouched, neither refused nor counted — a node's rare
     * upkeep calls (one every few seconds) that protect no peer by being refused, and whose refusal would keep the
     * node from learning what ends the peer's trouble (a comet's RenewOnline carries the session store's epoch, the
     * signal to re-announce its routes after the store came back empty).
     */
    public ThrottlingInterceptor(AdaptiveThrottle throttle, Counter rejected, java.util.Set<String> exempt) {
        this.throttle = throttle;
        this.rejected = rejected;
        this.exempt = java.util.Set.copyOf(exempt);
    }

    public AdaptiveThrottle throttle() {
        return throttle;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (!exempt.isEmpty() && exempt.contains(method.getFullMethodName())) {
            return next.newCall(method, options);
        }
        ThrottleTicket ticket = options.getOption(ThrottleTicket.KEY);
        if (!(ticket == null ? throttle.tryAcquire() : admit(ticket))) {
            rejected.increment();
            return refusedCall();
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                // gRPC closes every started call exactly once: one finished per started.
                throttle.started();
                try {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            throttle.finished(isAccepted(status));
                            super.onClose(status, trailers);
                        }
                    }, headers);
                } catch (RuntimeException e) {
                    throttle.finished(false); // never started: no onClose will come
                    throw e;
                }
            }
        };
    }

    @SuppressWarnings("unchecked") // a closed call never sends nor receives a message
    private static <Q, R> ClientCall<Q, R> refusedCall() {
        return (ClientCall<Q, R>) (ClientCall<?, ?>) REFUSED_CALL;
    }

    /**
     * Decides an offer of the call holding {@code ticket}: a re-offer whose count is still in the window is decided
     * again with its draw and counts nothing; anything else is a new request with a new draw.
     */
    private boolean admit(ThrottleTicket ticket) {
        boolean allowed;
        if (ticket.isRefusedLocally() && throttle.isCounted(ticket.countedAt())) {
            allowed = throttle.tryAgain(ticket.draw());
        } else {
            ticket.counted(throttle.draw(), throttle.nanoTime());
            allowed = throttle.tryAcquire(ticket.draw());
        }
        if (allowed) {
            ticket.admitted();
        } else {
            ticket.refusedLocally();
        }
        return allowed;
    }

    /** True when {@code status} shows the peer took the call (answered it), whatever its answer. */
    static boolean isAccepted(Status status) {
        return switch (status.getCode()) {
            case UNAVAILABLE, RESOURCE_EXHAUSTED, DEADLINE_EXCEEDED, CANCELLED -> false;
            default -> true;
        };
    }
}
