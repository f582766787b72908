package io.jgoim.loadtest.metrics;

/**
 * Classifies the sequence numbers one receiver sees from one publisher: distinct, duplicated and out of order, with a
 * 64-message window behind the highest sequence seen (the anti-replay window of IPsec). A message older than the
 * window counts as out of order and distinct (a duplicate that old cannot be told apart). Loss is derived later, as
 * published minus distinct. Not thread-safe: one tracker per receiver, used on its event loop.
 */
public final class SequenceTracker {
    private static final int WINDOW = 64;

    private long highest = -1;
    private long window;
    private long distinct;
    private long duplicates;
    private long outOfOrder;

    public void record(long seq) {
        if (seq > highest) {
            long shift = seq - highest;
            window = shift >= WINDOW ? 0 : window << shift;
            window |= 1L;
            highest = seq;
            distinct++;
            return;
        }
        long off = highest - seq;
        if (off >= WINDOW) {
            outOfOrder++;
            distinct++;
            return;
        }
        long bit = 1L << off;
        if ((window & bit) != 0) {
            duplicates++;
        } else {
            window |= bit;
            outOfOrder++;
            distinct++;
        }
    }

    public long distinct() {
        return distinct;
    }

    public long duplicates() {
        return duplicates;
    }

    public long outOfOrder() {
        return outOfOrder;
    }

    public long highest() {
        return highest;
    }
}
