package io.jgoim.comet.index;

/**
 * The positions this comet handed to an audience — a room's members, or every session for a broadcast stream — so
 * that a batch job sends again (a record it consumed again after a restart or a rebalance, a push the caller retried
 * with its id) is not written to them twice: goim clients cannot tell a repeat, position-aware ones would drop it
 * anyway. Which of the last {@value #WINDOW} offsets were handed, not only the highest ({@link HandedOffsets}): a
 * room's comment events and pushes consumed by two jobs reach the comet in an order of their own, and a late first
 * copy still goes. A new epoch (the stream's history was lost) starts over. The window's bits are made on the first
 * positioned batch (a room without history never needs them; every room of a comet holds one of these). Thread-safe:
 * one short lock per batch, never per session.
 */
public final class ForwardedPosition {
    /**
     * Offsets remembered below the highest handed: twice a batch of job's (128 messages by default), 32 B of bits per
     * room; a repeat from further back goes out again (as before the rule).
     */
    public static final int WINDOW = 256;

    private HandedOffsets handed;

    /**
     * A batch of {@code count} messages from offset {@code first} in {@code epoch} is about to be handed over: how many
     * of its leading messages were handed over before (not to be written again). Records the batch as handed.
     */
    public synchronized int repeated(long epoch, long first, int count) {
        if (handed == null) {
            handed = new HandedOffsets(WINDOW);
        }
        int repeated = handed.leadingHad(epoch, first, count);
        handed.handed(epoch, first + repeated, count - repeated);
        return repeated;
    }
}
