package io.jgoim.common.overload;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Client-side adaptive throttling (Google SRE book, "Handling Overload"): the caller counts, over a sliding window,
 * the requests it meant to send to one peer and the ones that peer accepted, and refuses a new request locally with
 * probability {@code max(0, (requests − k·accepts) / (requests + 1))}. A healthy peer accepts nearly everything and
 * nothing is refused; a peer that refuses (UNAVAILABLE, overloaded, timing out) sees its load fall towards
 * {@code k} times what it accepts, and gets the full rate back as accepts return. A locally refused request still
 * counts as a request, which is what lets the probability approach 1 while the peer is down. Below
 * {@code minRequests} requests in the window nothing is refused.
 *
 * <p>Only requests whose outcome is known count: a call the caller marked {@link #started} is left out of
 * {@code requests} until it is {@link #finished}. The book's window (two minutes) dwarfs a call's latency, so there it
 * makes no difference; here the window is seconds and a Connect to a cold or busy logic takes seconds too, and counting
 * the calls in flight as not accepted refused nearly every auth at the start of a connect storm (a window of 20+
 * Connects in flight, none answered yet: p ≈ 1, though logic answered every one it got; issue 19's collapse to 1,948 of
 * 15,000 sessions). Go-kratos's SRE breaker counts the same way: at the outcome, or at the local refusal.
 *
 * <p>A request is counted once per window however often it is offered: a caller that keeps a refused request and
 * offers it again later (job's ordered link to a comet) decides that re-offer with {@link #tryAgain}, which counts
 * nothing, while {@link #isCounted} says its count is still in the window; once it is not, the caller counts it again
 * as a new request with a new ticket. Counting each re-offer as a new request would fill the window with requests no
 * one made — while the peer is sick the caller re-offers every backoff — and after the peer recovers, its accepts
 * would have to outgrow all of those (k times over) before the full rate returned: several windows instead of one.
 * Never counting it again would let a request that drew a low ticket wait until the probability falls below it,
 * holding its caller's queue (and its demand) out of the window meanwhile: with a peer at its capacity, the requests
 * waiting on low tickets left it a third idle (ThrottledLinkSimulationTest). Once per window is what the formula
 * means by requests: the sends that wanted to go during the window, each once.
 *
 * <p>One instance per peer. Thread-safe: the counts are updated under the instance's lock (a few array operations);
 * a decision allocates nothing ({@code random} defaults to {@link ThreadLocalRandom}).
 */
public final class AdaptiveThrottle {
    private final boolean enabled;
    private final double k;
    private final int minRequests;
    private final LongSupplier clock;
    private final DoubleSupplier random;
    private final BucketWindow requests;
    private final BucketWindow accepts;
    /** Counted requests sent and not yet answered ({@link #started}, {@link #finished}); guarded by this. */
    private long inFlight;

    public AdaptiveThrottle(ThrottleConfig config) {
        this(config, System::nanoTime, () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param clock  monotonic nanoseconds
     * @param random uniform values in [0, 1)
     */
    public AdaptiveThrottle(ThrottleConfig config, LongSupplier clock, DoubleSupplier random) {
        this.enabled = config.enabled();
        this.k = config.k();
        this.minRequests = config.minRequests();
        this.clock = clock;
        this.random = random;
        long bucketNanos = config.window().toNanos() / config.buckets();
        this.requests = new BucketWindow(config.buckets(), bucketNanos);
        this.accepts = new BucketWindow(config.buckets(), bucketNanos);
    }

    /** Counts a request; true = send it, false = refuse it locally (the peer is refusing most of its calls). */
    public boolean tryAcquire() {
        return !enabled || tryAcquire(random.getAsDouble());
    }

    /**
     * Counts a request that holds {@code ticket} (a uniform draw in [0, 1) from {@link #draw}) and admits it when the
     * refusal probability is at most the ticket. A caller that keeps a refused request offers it again with
     * {@link #tryAgain} and the same ticket.
     */
    public boolean tryAcquire(double ticket) {
        if (!enabled) {
            return true;
        }
        long now = clock.getAsLong();
        double p;
        synchronized (this) {
            requests.add(now, 1);
            p = probability(now);
        }
        return p <= 0 || ticket >= p;
    }

    /**
     * Decides again on a request counted by {@link #tryAcquire(double)} and refused, offered again with its ticket:
     * counts nothing, and admits it once the refusal probability has fallen to its ticket. Keeping the ticket (rather
     * than drawing anew at each offer) is what keeps re-offers from slipping through: a request refused at p is
     * admitted when p falls, not by luck on its tenth try, so the calls that reach the peer still converge to k times
     * what it accepts.
     */
    public boolean tryAgain(double ticket) {
        if (!enabled) {
            return true;
        }
        double p = rejectProbability();
        return p <= 0 || ticket >= p;
    }

    /** A uniform draw in [0, 1) for a new request's ticket (the injected random source in tests). */
    public double draw() {
        return random.getAsDouble();
    }

    /** The throttle's clock (monotonic nanoseconds): when a request counted now is counted, for {@link #isCounted}. */
    public long nanoTime() {
        return clock.getAsLong();
    }

    /**
     * True while a request counted at {@code countedAtNanos} ({@link #nanoTime} when {@link #tryAcquire(double)}
     * counted it) is still in the window: a re-offer then goes through {@link #tryAgain}; after it, it is a new
     * request.
     */
    public boolean isCounted(long countedAtNanos) {
        long now = clock.getAsLong();
        return requests.bucketOf(now) - requests.bucketOf(countedAtNanos) < requests.size();
    }

    /**
     * A request {@link #tryAcquire()} admitted went to the peer: until {@link #finished} it is neither accepted nor
     * refused, so it is left out of the requests. Every call of this must be followed by exactly one
     * {@link #finished}.
     */
    public void started() {
        if (!enabled) {
            return;
        }
        synchronized (this) {
            inFlight++;
        }
    }

    /**
     * The peer answered (or failed) a request marked {@link #started}: it counts again, as accepted when
     * {@code accepted} (the peer was able to work, even if it said no).
     */
    public void finished(boolean accepted) {
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        synchronized (this) {
            inFlight--;
            if (accepted) {
                accepts.add(now, 1);
            }
        }
    }

    /** Requests {@link #started} and not yet {@link #finished}. */
    public synchronized long inFlight() {
        return inFlight;
    }

    /** The peer accepted a request (answered it, even with an application error: it was able to work). */
    public void onAccepted() {
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        synchronized (this) {
            accepts.add(now, 1);
        }
    }

    /** The probability that the next request is refused locally. */
    public synchronized double rejectProbability() {
        return probability(clock.getAsLong());
    }

    private double probability(long now) {
        // A call in flight longer than the window has left the requests already: never count below zero.
        long req = Math.max(0, requests.totalSum(now) - inFlight);
        if (req < minRequests) {
            return 0;
        }
        long acc = accepts.totalSum(now);
        return Math.max(0, (req - k * acc) / (req + 1));
    }
}
