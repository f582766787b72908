package io.jgoim.comet.index;

/**
 * The offsets of one member stream a goim or ver-2 session was handed lately: the highest, and which of the
 * {@value #WINDOW} below it. A member stream's positions are given at publish by whichever logic node took the push,
 * so two pushes to one member through two logic nodes can reach the comet in the other order than their offsets;
 * a late first copy must still go out (ver 1 has no history to fill a gap from), and only an offset this session
 * was handed is a repeat. One further back than the window is taken as new: a repeat is better than a loss
 * (at least once). A new epoch (the stream's history was lost) starts over. Not thread-safe: the session's monitor
 * guards it.
 */
final class HandedOffsets {
    /** How many offsets below the highest are remembered (the bits of a long). */
    static final int WINDOW = 64;

    private long epoch;
    private long highest;
    /** Bit i: offset {@code highest - i} was handed. */
    private long bits;

    /** True when every offset of {@code first .. first + count - 1} in {@code epoch} was handed before. */
    boolean hadAll(long epoch, long first, int count) {
        if (epoch != this.epoch || bits == 0) {
            return false;
        }
        for (long o = first; o < first + count; o++) {
            long back = highest - o;
            if (back < 0 || back >= WINDOW || (bits & (1L << back)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Records {@code first .. first + count - 1} in {@code epoch} as handed. */
    void handed(long epoch, long first, int count) {
        if (epoch != this.epoch || bits == 0) {
            this.epoch = epoch;
            this.highest = first;
            this.bits = 0;
        }
        for (long o = first; o < first + count; o++) {
            if (o > highest) {
                long shift = o - highest;
                bits = shift >= WINDOW ? 0 : bits << shift;
                highest = o;
            }
            long back = highest - o;
            if (back < WINDOW) {
                bits |= 1L << back;
            }
        }
    }
}
