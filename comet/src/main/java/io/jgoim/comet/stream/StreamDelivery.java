package io.jgoim.comet.stream;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.stream.StreamCursor.Verdict;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.stream.StreamState;
import io.netty.channel.Channel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Delivers pushes to one position-aware session (auth ver 3) by merging live batches and history by offset, with its
 * {@link StreamCursor}: a positioned push goes as one op-20 frame (the push's shared variant, or a trimmed copy when
 * it overlaps what was sent), a gap is held and filled from history ({@link HistoryReads}), a stream whose state
 * changed gets an op-21 frame. The resume at auth ({@link #resume}) and a room change ({@link #roomChanged}) use the
 * same machinery: the stream is marked recovering right after the session joined it, so live batches are held until
 * history answered, then written after the recovered messages with nothing lost or doubled at the switch-over. Until
 * the auth reply is out, pushes that would go out at once (plain ones, a stream the session does not track) wait
 * behind it too ({@link HeldBeforeReply}): op 8 is the client's first frame. The resume's reads and the auth reply's
 * positions come from {@link ResumeReads}.
 * Messages the session's {@link StreamFilter} skips (a key push for another device of its member, an unwatched op on
 * its member or broadcast stream) are never written but advance the cursor like written ones, live and in history.
 * A recovery that does not finish within {@code history.resumeTimeout}, fails, or holds more than
 * {@link #MAX_HELD_BATCHES} batches ends the session with RESUME (4013): the client reconnects with its positions.
 *
 * <p>One instance per position-aware session (ver 1/2 sessions have none); every method runs on the session's event
 * loop. Owns the held batches' references until it writes or releases them ({@link #close}).
 */
public final class StreamDelivery {
    /** Live batches one stream may hold while its recovery runs. */
    public static final int MAX_HELD_BATCHES = 256;

    /** Ends the session (on its event loop) with a close code and the error an extended client is told. */
    @FunctionalInterface
    public interface Ender {
        void end(CloseCode code, ErrorCode error, String message);
    }

    private final Channel channel;
    private final StreamWriter writer;
    private final HistoryReads reads;
    private final Ender ender;
    private final HistoryDeadline deadline;
    private final StreamCursor cursor;
    private final HeldBeforeReply beforeReply;
    private boolean closed;

    public StreamDelivery(Channel channel, SessionTransport transport, HistoryReads reads, CometMetrics metrics,
                          Ender ender, long timeoutNanos, int maxHeld) {
        this(channel, transport, reads, metrics, ender, timeoutNanos, maxHeld, new StreamFilter("", op -> true));
    }

    /** {@code filter}: which messages this session skips while its cursor advances past them. */
    public StreamDelivery(Channel channel, SessionTransport transport, HistoryReads reads, CometMetrics metrics,
                          Ender ender, long timeoutNanos, int maxHeld, StreamFilter filter) {
        this.channel = channel;
        this.writer = new StreamWriter(channel, transport, metrics, filter);
        this.reads = reads;
        this.ender = ender;
        this.deadline = new HistoryDeadline(channel, timeoutNanos);
        this.cursor = new StreamCursor(maxHeld);
        this.beforeReply = new HeldBeforeReply(maxHeld);
    }

    /** The session's cursor (tests and acks). */
    public StreamCursor cursor() {
        return cursor;
    }

    // ---- live pushes ----

    /**
     * Writes one push without flushing; the caller checked that the channel is open and writable (a push dropped
     * before this never advances the cursor). A push without a position goes as today's plain frames.
     */
    public boolean write(PushFrame f) {
        if (closed) {
            return false;
        }
        if (beforeReply.isHolding() && (!f.isPositioned() || !cursor.tracks(f.position().stream()))) {
            if (!beforeReply.offer(f)) {
                fail("more than " + beforeReply.maxHeld() + " pushes held before the auth reply");
                return false;
            }
            return true;
        }
        if (!f.isPositioned()) {
            writer.plain(f);
            return true;
        }
        PushFrame.Position p = f.position();
        if (p.first() > 1 && cursor.startsEmpty(p.stream())) {
            // The stream had no message when this session's position was read, and its first live batch starts
            // later: the messages before it went out before the session could get them live. A gap from 0.
            cursor.position(p.stream(), p.epoch(), 0);
        }
        Verdict v = cursor.verdict(p.stream(), p.epoch(), p.first(), p.last());
        if (v == Verdict.EPOCH_CHANGED && p.first() > 1) {
            // A new epoch whose first messages this session was not sent (the store lost its data and new messages
            // came meanwhile): say so, then fill the new epoch from its start out of history, like any gap.
            writer.state(new StreamState(p.stream(), p.epoch(), 0, false, ErrorCode.EPOCH_CHANGED.code()));
            cursor.position(p.stream(), p.epoch(), 0);
            v = cursor.verdict(p.stream(), p.epoch(), p.first(), p.last());
        }
        if (v == Verdict.HOLD) {
            if (!cursor.hold(p.stream(), f)) {
                fail("more than " + MAX_HELD_BATCHES + " batches of " + p.stream() + " held while it recovers");
                return false;
            }
            return true;
        }
        if (v == Verdict.GAP) {
            if (!cursor.hold(p.stream(), f)) {
                fail("cannot hold a batch of " + p.stream());
                return false;
            }
            recoverGap(p.stream());
            return true;
        }
        apply(v, f);
        return true;
    }

    /**
     * Writes (or skips) a batch the cursor judged; never HOLD or GAP. A push the session's {@link StreamFilter}
     * skips is not written but advances the cursor all the same (its stream state, if any, is still told).
     */
    private void apply(Verdict v, PushFrame f) {
        PushFrame.Position p = f.position();
        if (v == Verdict.SKIP) {
            return;
        }
        boolean skipped = writer.skips(f);
        if (v == Verdict.EPOCH_CHANGED) {
            writer.state(new StreamState(p.stream(), p.epoch(), p.first() - 1, false, ErrorCode.EPOCH_CHANGED.code()));
        }
        if (!skipped) {
            if (v == Verdict.TRIM) {
                writer.from(f, cursor.next(p.stream()));
            } else { // TAKE, UNTRACKED, EPOCH_CHANGED
                writer.whole(f);
            }
        }
        if (v != Verdict.UNTRACKED) {
            cursor.took(p.stream(), p.epoch(), p.last());
        }
    }

    /** Recovers the gap before the oldest held batch of {@code stream} from history. */
    private void recoverGap(String stream) {
        cursor.recovering(stream, true);
        long generation = cursor.generation(stream);
        long epoch = cursor.epoch(stream);
        long since = cursor.next(stream) - 1;
        deadline.await(reads.readAll(stream, epoch, since), (h, e) -> {
            if (closed || cursor.generation(stream) != generation) {
                return;
            }
            if (e != null) {
                fail("history of " + stream + " unavailable: " + e);
                return;
            }
            PushFrame head = cursor.peekHeld(stream);
            if (!h.off() && h.epoch() == epoch && h.complete() && !h.entries().isEmpty() && h.first() == since + 1) {
                writer.entries(stream, epoch, h.first(), h.entries(), h.audiences());
                cursor.took(stream, epoch, h.last());
            } else if (head != null) {
                // History cannot fill the gap: say so, and go on from the batch that showed it.
                PushFrame.Position p = head.position();
                writer.state(new StreamState(stream, p.epoch(), p.first() - 1, false,
                        ErrorCode.HISTORY_TOO_SHORT.code()));
                cursor.position(stream, p.epoch(), p.first() - 1);
            }
            cursor.recovering(stream, false);
            drainHeld(stream);
            channel.flush();
        });
    }

    /** Writes the held batches of {@code stream} in order, until one shows a gap (which starts a recovery). */
    private void drainHeld(String stream) {
        for (PushFrame f; !cursor.isRecovering(stream) && (f = cursor.peekHeld(stream)) != null; ) {
            PushFrame.Position p = f.position();
            Verdict v = cursor.verdict(stream, p.epoch(), p.first(), p.last());
            if (v == Verdict.GAP) {
                recoverGap(stream);
                return;
            }
            cursor.pollHeld(stream);
            try {
                apply(v, f);
            } finally {
                f.release();
            }
        }
    }

    // ---- resume at auth ----

    /**
     * Resumes the session's {@code streams} (its room, its member stream) right after it was registered, in the same
     * event-loop task: live batches are held from now on; each stream is read ({@code asked} positions from the
     * client's offset, the others for their newest position), then {@code reply} gets the auth reply's positions
     * (one per stream, then the refused ones) and must write the reply, after which the recovered messages, the
     * held batches and then the pushes held before the reply (plain ones, other streams') are written and flushed.
     * Fails (writing nothing) when history does not answer in time.
     */
    public CompletableFuture<Void> resume(List<String> streams, List<StreamState> asked,
                                          Consumer<List<StreamState>> reply) {
        beforeReply.start();
        for (String s : streams) {
            cursor.track(s);
            cursor.recovering(s, true);
        }
        ResumeReads parts = ResumeReads.start(reads, streams, asked);
        CompletableFuture<Void> out = new CompletableFuture<>();
        deadline.await(parts.all(), (v, e) -> {
            if (closed) {
                out.completeExceptionally(new JgoimException(ErrorCode.UNAVAILABLE, "session closed"));
                return;
            }
            if (e != null) {
                out.completeExceptionally(e);
                return;
            }
            reply.accept(parts.replyStates());
            for (ResumeOutcome o : parts.outcomes()) {
                String s = o.state().stream();
                if (o.unlisted()) {
                    cursor.forget(s); // broadcasts stay plain frames for this session
                    continue;
                }
                if (!o.entries().isEmpty()) {
                    writer.entries(s, o.state().epoch(), o.first(), o.entries(), o.audiences());
                }
                if (o.state().code() == ErrorCode.HISTORY_OFF.code()) {
                    cursor.unknown(s);
                } else {
                    cursor.position(s, o.state().epoch(), o.cursorAt());
                }
                cursor.recovering(s, false);
                drainHeld(s);
            }
            beforeReply.handBack(this::write);
            channel.flush();
            out.complete(null);
        });
        return out;
    }

    // ---- room change ----

    /**
     * The session moved from room {@code from} to room {@code to} (either may be null: none). The new room's stream
     * starts recovering (live batches held); once its newest position is read, the client gets it in an op-21 frame
     * (code 0, or HISTORY_OFF) and the held batches after it follow. Call after the join, in the same task.
     */
    public void roomChanged(String from, String to) {
        if (from != null) {
            cursor.forget(from);
        }
        if (to == null) {
            return;
        }
        long generation = cursor.track(to);
        cursor.recovering(to, true);
        deadline.await(reads.latest(to), (h, e) -> {
            if (closed || cursor.generation(to) != generation) {
                return;
            }
            if (e != null) {
                fail("history of " + to + " unavailable: " + e);
                return;
            }
            ResumeOutcome o = ResumeOutcome.fresh(to, h);
            writer.state(o.state());
            if (h.off()) {
                cursor.unknown(to);
            } else {
                cursor.position(to, h.epoch(), h.top());
            }
            cursor.recovering(to, false);
            drainHeld(to);
            channel.flush();
        });
    }

    // ---- acks ----

    /** True when the session was sent {@code offset} of {@code stream} in {@code epoch} (an ack may name it). */
    public boolean sent(String stream, long epoch, long offset) {
        return cursor.sent(stream, epoch, offset);
    }

    /** The session is closing: releases what is held; later answers are ignored. */
    public void close() {
        closed = true;
        cursor.clear();
        beforeReply.drop();
    }

    // ---- helpers ----

    private void fail(String message) {
        if (!closed) {
            close();
            ender.end(CloseCode.RESUME, ErrorCode.HISTORY_UNAVAILABLE, message);
        }
    }
}
