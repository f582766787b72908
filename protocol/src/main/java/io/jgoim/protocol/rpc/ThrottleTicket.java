package io.jgoim.protocol.rpc;

import io.grpc.CallOptions;

/**
 * One application call's standing with the caller's client-side adaptive throttle, kept while the caller offers the
 * same call again after the throttle refused it locally. It travels to the channel's throttling interceptor in the
 * call's {@link CallOptions} ({@link #KEY}); the interceptor counts the call as one request per window however often
 * it is offered, decides each re-offer with the same random draw, and records here whether this offer was refused
 * locally. That record is how the caller tells a local refusal (nothing was sent, so it is not an attempt) from the
 * peer's own UNAVAILABLE: both fail the call with the same status. A channel without the interceptor, or an
 * in-process service, leaves the ticket untouched (never refused).
 *
 * <p>Owned by one caller and used by one offer at a time; the caller hands it between threads through executors or
 * futures (which order the writes). Not final: a caller's own per-call object may be its ticket, so a call that is
 * offered many times costs no object beyond the one it already has.
 */
public class ThrottleTicket {
    /** Where the ticket rides in a call's options (a call without one is a new request each time). */
    public static final CallOptions.Key<ThrottleTicket> KEY = CallOptions.Key.create("jgoim.throttle.ticket");

    /** The throttle's draw for the current request, kept across its re-offers, and when it was counted. */
    private double draw;
    private long countedAt;
    /** Local refusals of the current request in a row (0 = the next offer is a new request). */
    private int refusals;

    /** True when the last offer was refused locally: the next one is the same request to the throttle. */
    public final boolean isRefusedLocally() {
        return refusals > 0;
    }

    /** Local refusals of the current request in a row (a caller's backoff grows with them). */
    public final int refusals() {
        return refusals;
    }

    /** The throttle's uniform draw in [0, 1) for the current request. */
    public final double draw() {
        return draw;
    }

    /** When the current request was counted, on the throttle's clock. */
    public final long countedAt() {
        return countedAt;
    }

    /** A new request to the throttle: its draw, and when it is counted. */
    public final void counted(double draw, long countedAt) {
        this.draw = draw;
        this.countedAt = countedAt;
    }

    /** The throttle refused this offer locally (the peer saw nothing). */
    public final void refusedLocally() {
        refusals++;
    }

    /** The throttle let this offer through: a later offer (a retry after a real failure) is a new request. */
    public final void admitted() {
        refusals = 0;
    }
}
