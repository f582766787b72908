package io.jgoim.comet.stream;

import io.jgoim.comet.frame.PushFrame;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The pushes a position-aware session gets while its resume at auth runs that would go out at once (plain ones,
 * those of a stream it does not track): the auth reply is the client's first frame, so they wait behind it in
 * arrival order, at most {@code maxHeld}, and are handed back once it is out. One per {@link StreamDelivery}; event
 * loop only. Holds one reference of each held frame until it hands the frame back or drops it.
 */
final class HeldBeforeReply {
    private final int maxHeld;
    /** Null while not holding: before the resume at auth and once it wrote the reply. */
    private ArrayDeque<PushFrame> held;

    HeldBeforeReply(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /** The resume at auth started: hold from now until {@link #handBack}. */
    void start() {
        held = new ArrayDeque<>();
    }

    boolean isHolding() {
        return held != null;
    }

    /** The most it holds. */
    int maxHeld() {
        return maxHeld;
    }

    /** Holds {@code f} (retained); false, holding nothing more, when {@code maxHeld} frames are held already. */
    boolean offer(PushFrame f) {
        if (held.size() >= maxHeld) {
            return false;
        }
        held.addLast(f.retain());
        return true;
    }

    /**
     * The auth reply is out: stops holding, then gives each held frame in arrival order to {@code write} (which may
     * be the caller's own write path: it no longer holds) and releases it.
     */
    void handBack(Consumer<PushFrame> write) {
        ArrayDeque<PushFrame> frames = held;
        held = null;
        for (PushFrame f; (f = frames.pollFirst()) != null; ) {
            try {
                write.accept(f);
            } finally {
                f.release();
            }
        }
    }

    /** The session is closing: releases whatever is held. */
    void drop() {
        if (held != null) {
            for (PushFrame f; (f = held.pollFirst()) != null; ) {
                f.release();
            }
        }
    }
}
