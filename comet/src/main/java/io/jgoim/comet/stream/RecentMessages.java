package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The last messages of one room stream this comet saw: at most {@code capacity} frames at consecutive offsets
 * {@code low..high} of one epoch. Fed by the live positioned batches the comet delivers, and seeded by History
 * answers that reach the stream's top. Kept consistent by offset: a batch of another epoch (history was lost) or one
 * that leaves a hole starts the window again from that batch, so the window never skips an offset.
 *
 * <p>Thread-safe (its monitor): fed from the push service's threads, read from event loops.
 */
final class RecentMessages {
    private final int capacity;
    private final ArrayDeque<ByteString> frames;
    private long epoch;
    private long low;
    private volatile long touchedNanos;

    RecentMessages(int capacity) {
        this.capacity = capacity;
        this.frames = new ArrayDeque<>(Math.min(capacity, 16));
        this.touchedNanos = System.nanoTime();
    }

    /** A live batch: {@code batch} at consecutive offsets from {@code first} in {@code epoch}. */
    synchronized void feed(long epoch, long first, List<ByteString> batch) {
        touchedNanos = System.nanoTime();
        if (batch.isEmpty()) {
            return;
        }
        long last = first + batch.size() - 1;
        if (frames.isEmpty() || epoch != this.epoch || first > high() + 1) {
            reset(epoch, first, batch);
            return;
        }
        if (last <= high()) {
            return;
        }
        append(batch, (int) (high() + 1 - first));
    }

    /** A History answer whose entries reach the stream's top: extends the window where it fits. */
    synchronized void seed(History h) {
        if (!h.reachesTop()) {
            return;
        }
        if (frames.isEmpty() || (h.epoch() != epoch && h.epoch() > epoch)) {
            reset(h.epoch(), h.first(), h.entries());
        } else if (h.epoch() == epoch) {
            if (h.last() > high() && h.first() <= high() + 1) {
                append(h.entries(), (int) (high() + 1 - h.first()));
            } else if (h.first() < low && h.last() >= low - 1) {
                // Older messages than the window holds: put them in front while there is room.
                for (long off = low - 1; off >= h.first() && frames.size() < capacity; off--) {
                    frames.addFirst(h.entries().get((int) (off - h.first())));
                    low = off;
                }
            }
        }
    }

    /**
     * The messages after {@code since} in {@code epoch}, with this window's high offset as the top; null when the
     * window holds another epoch or does not cover {@code since + 1 .. high}.
     */
    synchronized History read(long epoch, long since) {
        if (frames.isEmpty() || epoch != this.epoch || since + 1 < low || since > high()) {
            return null;
        }
        touchedNanos = System.nanoTime();
        List<ByteString> out = new ArrayList<>((int) (high() - since));
        Iterator<ByteString> it = frames.iterator();
        for (long off = low; it.hasNext(); off++) {
            ByteString f = it.next();
            if (off > since) {
                out.add(f);
            }
        }
        return new History(false, epoch, high(), since + 1, out, true);
    }

    /**
     * The newest {@code n} messages, or null when the window holds fewer than {@code n} and does not start at the
     * stream's first message (then only the store knows the older ones).
     */
    synchronized History last(int n) {
        if (frames.isEmpty() || (frames.size() < n && low != 1)) {
            return null;
        }
        touchedNanos = System.nanoTime();
        long since = Math.max(low - 1, high() - n);
        return read(epoch, since);
    }

    /** The newest position (no entries), or null when the window is empty. */
    synchronized History latest() {
        if (frames.isEmpty()) {
            return null;
        }
        return new History(false, epoch, high(), high() + 1, List.of(), true);
    }

    /** When the window was last fed or read (System.nanoTime), for evicting the coldest stream. */
    long touchedNanos() {
        return touchedNanos;
    }

    private long high() {
        return low + frames.size() - 1;
    }

    private void reset(long epoch, long first, List<ByteString> batch) {
        this.epoch = epoch;
        frames.clear();
        low = first;
        append(batch, 0);
    }

    private void append(List<ByteString> batch, int from) {
        for (int i = from; i < batch.size(); i++) {
            frames.addLast(batch.get(i));
        }
        while (frames.size() > capacity) {
            frames.pollFirst();
            low++;
        }
    }
}
