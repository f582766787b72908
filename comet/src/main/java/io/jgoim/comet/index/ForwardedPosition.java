package io.jgoim.comet.index;

/**
 * The last stream position this comet handed to an audience — a room's members, every session for a broadcast
 * stream, or one goim or ver-2 session for its member's stream — so that a batch job sends again (a record it consumed
 * again after a restart or a rebalance, a push the caller retried with its id) is not written to them twice: goim
 * clients cannot tell a repeat, position-aware ones would drop it anyway. A new epoch (the stream's history was lost)
 * starts over. Thread-safe: one short lock per batch (per session only for a member push, whose audience is a few
 * sessions).
 */
public final class ForwardedPosition {
    private long epoch;
    private long offset;

    /**
     * A batch of {@code count} messages from offset {@code first} in {@code epoch} is about to be handed over: how many
     * of its leading messages were handed over before (not to be written again). Records the batch's end as handed.
     */
    public synchronized int repeated(long epoch, long first, int count) {
        int repeated = repeats(epoch, first, count);
        handed(epoch, first, count);
        return repeated;
    }

    /** How many leading messages of the batch were handed over before; records nothing. */
    public synchronized int repeats(long epoch, long first, int count) {
        if (epoch != this.epoch) {
            return 0;
        }
        return (int) Math.max(0, Math.min(count, offset - first + 1));
    }

    /** Records the batch as handed over: its end is the last position, or later in the same epoch stays. */
    public synchronized void handed(long epoch, long first, int count) {
        long last = first + count - 1;
        if (epoch != this.epoch) {
            this.epoch = epoch;
            this.offset = last;
        } else if (last > offset) {
            offset = last;
        }
    }
}
