package io.jgoim.comet.index;

/**
 * The last stream position this comet handed to an audience — a room's members, or every session for a broadcast
 * stream — so that a batch job sends again (a record it consumed again after a restart or a rebalance, a push the
 * caller retried with its id) is not written to them twice: goim clients cannot tell a repeat, position-aware ones
 * would drop it anyway. A new epoch (the stream's history was lost) starts over. Thread-safe: one short lock per
 * batch, never per session.
 */
public final class ForwardedPosition {
    private long epoch;
    private long offset;

    /**
     * A batch of {@code count} messages from offset {@code first} in {@code epoch} is about to be handed over: how many
     * of its leading messages were handed over before (not to be written again). Records the batch's end as handed.
     */
    public synchronized int repeated(long epoch, long first, int count) {
        long last = first + count - 1;
        if (epoch != this.epoch) {
            this.epoch = epoch;
            this.offset = last;
            return 0;
        }
        int repeated = (int) Math.max(0, Math.min(count, offset - first + 1));
        if (last > offset) {
            offset = last;
        }
        return repeated;
    }
}
