package io.jgoim.comet.stream;

import io.jgoim.comet.frame.PushFrame;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Where a position-aware session is in each of its streams (its room, its member stream): the epoch and the next
 * offset it expects, whether a recovery is under way, and the live batches held meanwhile. {@link #verdict} is the
 * merge-by-offset rule (docs: design "Comet: merge by offset"); the caller acts on it and reports what it wrote with
 * {@link #took}, so a batch that was dropped (slow consumer) never advances the cursor and the next one shows the gap.
 *
 * <p>Pure state, no I/O: one instance per position-aware session, confined to the session's event loop. A session
 * has one or two streams, so they sit in a tiny array.
 */
public final class StreamCursor {
    /** What to do with a live batch of offsets {@code first..last} in epoch {@code epoch}. */
    public enum Verdict {
        /** Not one of the session's streams: write it as it is, nothing to track. */
        UNTRACKED,
        /** The expected batch (or the first one of a stream whose position is unknown): write it whole. */
        TAKE,
        /** Overlaps what was written: write only the frames from {@link #next} on. */
        TRIM,
        /** Everything in it was written already: skip it. */
        SKIP,
        /** It starts after the next expected offset: hold it and recover the gap from history. */
        GAP,
        /** A recovery of this stream is under way: hold it. */
        HOLD,
        /** Another epoch than the one the session holds (history was lost): tell the client, then write it whole. */
        EPOCH_CHANGED
    }

    private static final Entry[] NONE = new Entry[0];

    private final int maxHeld;
    private Entry[] entries = NONE;
    private long generations;

    /** One stream's state. */
    private static final class Entry {
        final String stream;
        final long generation;
        boolean known;
        /** Read as a stream with no message yet (epoch 0, top 0): whatever epoch comes, it starts at offset 1. */
        boolean emptyAtStart;
        long epoch;
        long next;
        boolean recovering;
        ArrayDeque<PushFrame> held;

        Entry(String stream, long generation) {
            this.stream = stream;
            this.generation = generation;
        }
    }

    /** {@code maxHeld}: live batches one stream may hold while it recovers. */
    public StreamCursor(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /**
     * Starts tracking {@code stream} with an unknown position (replacing any state it had, whose held batches are
     * released). Returns the entry's generation, which {@link #generation} compares so that a recovery that
     * finishes after the stream was dropped and taken again does not apply to the new one.
     */
    public long track(String stream) {
        forget(stream);
        Entry e = new Entry(stream, ++generations);
        entries = Arrays.copyOf(entries, entries.length + 1);
        entries[entries.length - 1] = e;
        return e.generation;
    }

    /** Stops tracking {@code stream}, releasing what it held. */
    public void forget(String stream) {
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].stream.equals(stream)) {
                release(entries[i]);
                Entry[] out = new Entry[entries.length - 1];
                System.arraycopy(entries, 0, out, 0, i);
                System.arraycopy(entries, i + 1, out, i, entries.length - i - 1);
                entries = out;
                return;
            }
        }
    }

    public boolean tracks(String stream) {
        return entry(stream) != null;
    }

    /** The generation of {@code stream}'s entry, or -1 when it is not tracked. */
    public long generation(String stream) {
        Entry e = entry(stream);
        return e == null ? -1 : e.generation;
    }

    /** The rule for a live batch; changes nothing. */
    public Verdict verdict(String stream, long epoch, long first, long last) {
        Entry e = entry(stream);
        if (e == null) {
            return Verdict.UNTRACKED;
        }
        if (e.recovering) {
            return Verdict.HOLD;
        }
        if (!e.known) {
            return Verdict.TAKE;
        }
        if (epoch != e.epoch) {
            return Verdict.EPOCH_CHANGED;
        }
        if (last < e.next) {
            return Verdict.SKIP;
        }
        if (first > e.next) {
            return Verdict.GAP;
        }
        return first == e.next ? Verdict.TAKE : Verdict.TRIM;
    }

    /** The session was sent everything of {@code stream} up to {@code last} in {@code epoch}. */
    public void took(String stream, long epoch, long last) {
        Entry e = entry(stream);
        if (e != null) {
            e.known = true;
            e.emptyAtStart = false;
            e.epoch = epoch;
            e.next = last + 1;
        }
    }

    /**
     * The session's position in {@code stream} is {@code top} of {@code epoch} (it expects {@code top + 1}); epoch 0
     * (a stream with no message yet) leaves the epoch unknown but remembers that the session stands before the first
     * message ({@link #startsEmpty}): a first batch that starts past offset 1 is then a gap, not a start.
     */
    public void position(String stream, long epoch, long top) {
        Entry e = entry(stream);
        if (e != null) {
            e.known = epoch != 0;
            e.emptyAtStart = epoch == 0 && top == 0;
            e.epoch = epoch;
            e.next = top + 1;
        }
    }

    /**
     * True when the session's position was read from a stream with no message yet and nothing was taken since: its
     * first batch must start at offset 1 of whatever epoch it comes in, or the messages before it are missing (they
     * were sent before this session could receive them live, e.g. a member push routed before the session existed).
     */
    public boolean startsEmpty(String stream) {
        Entry e = entry(stream);
        return e != null && !e.known && e.emptyAtStart;
    }

    /** Forgets the position of {@code stream}: the next batch is taken whatever it is. */
    public void unknown(String stream) {
        Entry e = entry(stream);
        if (e != null) {
            e.known = false;
            e.emptyAtStart = false;
        }
    }

    public boolean isKnown(String stream) {
        Entry e = entry(stream);
        return e != null && e.known;
    }

    /** Marks a recovery of {@code stream} as under way (live batches are held) or done. */
    public void recovering(String stream, boolean on) {
        Entry e = entry(stream);
        if (e != null) {
            e.recovering = on;
        }
    }

    public boolean isRecovering(String stream) {
        Entry e = entry(stream);
        return e != null && e.recovering;
    }

    /** The epoch the session holds of {@code stream} (0 when unknown). */
    public long epoch(String stream) {
        Entry e = entry(stream);
        return e == null || !e.known ? 0 : e.epoch;
    }

    /** The next offset the session expects of {@code stream}. */
    public long next(String stream) {
        Entry e = entry(stream);
        return e == null ? 0 : e.next;
    }

    /**
     * Holds {@code batch} (retaining it) behind the ones already held; false, holding nothing, when {@code stream} is
     * not tracked or already holds {@code maxHeld} batches (the caller closes the session: it is too far behind).
     */
    public boolean hold(String stream, PushFrame batch) {
        Entry e = entry(stream);
        if (e == null) {
            return false;
        }
        if (e.held == null) {
            e.held = new ArrayDeque<>(4);
        }
        if (e.held.size() >= maxHeld) {
            return false;
        }
        e.held.addLast(batch.retain());
        return true;
    }

    /** The oldest held batch of {@code stream}, still held (or null). */
    public PushFrame peekHeld(String stream) {
        Entry e = entry(stream);
        return e == null || e.held == null ? null : e.held.peekFirst();
    }

    /** Takes the oldest held batch of {@code stream}; the caller now owns its reference (or null). */
    public PushFrame pollHeld(String stream) {
        Entry e = entry(stream);
        return e == null || e.held == null ? null : e.held.pollFirst();
    }

    /**
     * True when the session was sent {@code offset} of {@code stream} in {@code epoch} (an ack may name it): the
     * stream is tracked with that epoch and the offset is below the next expected one.
     */
    public boolean sent(String stream, long epoch, long offset) {
        Entry e = entry(stream);
        return e != null && e.known && e.epoch == epoch && offset < e.next;
    }

    /** The tracked streams, in the order they were tracked. */
    public String[] streams() {
        String[] out = new String[entries.length];
        for (int i = 0; i < entries.length; i++) {
            out[i] = entries[i].stream;
        }
        return out;
    }

    /** Releases every held batch and stops tracking everything (the session is closing). */
    public void clear() {
        for (Entry e : entries) {
            release(e);
        }
        entries = NONE;
    }

    private static void release(Entry e) {
        if (e.held != null) {
            for (PushFrame f; (f = e.held.pollFirst()) != null; ) {
                f.release();
            }
        }
    }

    private Entry entry(String stream) {
        for (Entry e : entries) {
            if (e.stream.equals(stream)) {
                return e;
            }
        }
        return null;
    }
}
