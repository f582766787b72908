package io.jgoim.comet.push;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The outcomes of job's most recent requests to this comet, by request id, so that a retry of a request the comet
 * already took is answered with that first outcome instead of being delivered again. Job retries a call whose reply
 * did not come within its deadline; when the comet was only slow (event loops behind, a slow network), the first
 * call still delivers, and without this every session would get the message twice, and the retry would add load to
 * a comet that is already behind.
 *
 * <p>Bounded: the last {@code capacity} ids are remembered (a retry comes within seconds of the first attempt, so a
 * few thousand ids cover minutes of traffic). A request that failed is forgotten, so its retry runs again. Id 0 means
 * "no id" and is never remembered. Thread-safe; the lock is taken once per request with an id (not per session).
 */
final class RecentRequests {
    private final ConcurrentHashMap<Long, CompletableFuture<?>> outcomes = new ConcurrentHashMap<>();
    private final long[] order;
    private int next;
    private final Runnable onRepeat;

    /** {@code capacity}: a power of two; {@code onRepeat}: called once per repeated request (a metric). */
    RecentRequests(int capacity, Runnable onRepeat) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
        }
        this.order = new long[capacity];
        this.onRepeat = onRepeat;
    }

    /**
     * Runs {@code action} for a request seen the first time; for a repeated id, returns the first attempt's outcome
     * (still pending, or done) without running {@code action}.
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> once(long requestId, Supplier<CompletableFuture<T>> action) {
        if (requestId == 0) {
            return action.get();
        }
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<?> first = outcomes.putIfAbsent(requestId, mine);
        if (first != null) {
            onRepeat.run();
            return (CompletableFuture<T>) first;
        }
        remember(requestId);
        CompletableFuture<T> outcome;
        try {
            outcome = action.get();
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((v, t) -> {
            if (t != null) {
                outcomes.remove(requestId, mine);
                mine.completeExceptionally(t);
            } else {
                mine.complete(v);
            }
        });
        return mine;
    }

    /** Ids remembered now (at most the capacity). */
    int size() {
        return outcomes.size();
    }

    private void remember(long requestId) {
        long evicted;
        synchronized (order) {
            int slot = next;
            next = (next + 1) & (order.length - 1);
            evicted = order[slot];
            order[slot] = requestId;
        }
        if (evicted != 0 && evicted != requestId) {
            outcomes.remove(evicted);
        }
    }
}
