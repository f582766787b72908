package io.jgoim.comet.index;

/**
 * The offsets of one stream an audience was handed lately: the highest, and which of the {@code window} below it.
 * Only an offset that was handed is a repeat: a stream's first copies can reach a comet out of offset order when two
 * nodes give its positions (a member's pushes through two logic nodes; a room's pushes and comment events consumed by
 * two jobs), and a late first copy must still go out (ver 1 has no history to fill a gap from). One further back
 * than the window is taken as new: a repeat is better than a loss (at least once). A new epoch (the stream's history
 * was lost) starts over. Not thread-safe: the owner guards it.
 */
final class HandedOffsets {
    private final int window;
    /** Bit {@code o mod window} tells whether offset {@code o} (within the window below {@code highest}) was handed. */
    private final long[] bits;
    private long epoch;
    private long highest;
    private boolean any;

    /** @param window offsets remembered below the highest: a power of two, at least 64 */
    HandedOffsets(int window) {
        if (window < 64 || Integer.bitCount(window) != 1) {
            throw new IllegalArgumentException("window must be a power of two, at least 64: " + window);
        }
        this.window = window;
        this.bits = new long[window / 64];
    }

    int window() {
        return window;
    }

    /** Whether offset {@code o} of {@code epoch} was handed (and is still within the window). */
    boolean had(long epoch, long o) {
        if (!any || epoch != this.epoch || o > highest || highest - o >= window) {
            return false;
        }
        int slot = (int) (o & (window - 1));
        return (bits[slot >>> 6] & (1L << slot)) != 0;
    }

    /** True when every offset of {@code first .. first + count - 1} in {@code epoch} was handed. */
    boolean hadAll(long epoch, long first, int count) {
        return count > 0 && leadingHad(epoch, first, count) == count;
    }

    /** How many offsets from {@code first} on (at most {@code count}) were handed, up to the first that was not. */
    int leadingHad(long epoch, long first, int count) {
        int n = 0;
        while (n < count && had(epoch, first + n)) {
            n++;
        }
        return n;
    }

    /** Records {@code first .. first + count - 1} in {@code epoch} as handed. */
    void handed(long epoch, long first, int count) {
        if (count <= 0) {
            return;
        }
        if (!any || epoch != this.epoch) {
            java.util.Arrays.fill(bits, 0L);
            this.epoch = epoch;
            this.highest = first + count - 1;
            this.any = true;
        }
        long last = first + count - 1;
        if (last > highest) {
            // the slots of the offsets the window moves onto held offsets that now fall out of it
            long from = Math.max(highest + 1, last - window + 1);
            if (last - highest >= window) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long o = from; o <= last; o++) {
                    int slot = (int) (o & (window - 1));
                    bits[slot >>> 6] &= ~(1L << slot);
                }
            }
            highest = last;
        }
        for (long o = Math.max(first, highest - window + 1); o <= last; o++) {
            int slot = (int) (o & (window - 1));
            bits[slot >>> 6] |= 1L << slot;
        }
    }
}
