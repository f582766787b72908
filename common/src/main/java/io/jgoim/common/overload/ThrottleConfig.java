package io.jgoim.common.overload;

import io.jgoim.common.config.Checks;

import java.time.Duration;

/**
 * A client-side adaptive throttle ({@link AdaptiveThrottle}) on calls to one peer.
 *
 * @param enabled false = never refuse locally
 * @param k       the multiplier of accepted calls: calls are refused locally with probability
 *                {@code max(0, (requests − k·accepts) / (requests + 1))}; 2 lets twice the accepted rate through
 * @param window  how far back requests and accepts are counted
 * @param buckets buckets in {@code window} (how smoothly old counts leave it)
 * @param minRequests below this many requests in the window nothing is refused: a cold start (its first calls all
 *                in flight, none accepted yet) or a trickle of calls is never throttled
 */
public record ThrottleConfig(boolean enabled, double k, Duration window, int buckets, int minRequests) {
    public ThrottleConfig {
        Checks.nonNegative(minRequests, "minRequests");
        Checks.check(k >= 1, "k must be >= 1, was " + k);
        Checks.positive(window, "window");
        Checks.check(buckets >= 2 && buckets <= 1000, "buckets must be in [2, 1000], was " + buckets);
        Checks.check(window.toNanos() / buckets > 0, "window is too short for its buckets");
    }
}
