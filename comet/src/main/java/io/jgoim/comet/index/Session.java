package io.jgoim.comet.index;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.comet.stream.StreamDelivery;
import io.jgoim.comet.token.Revocations;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.netty.channel.Channel;

import java.util.concurrent.RejectedExecutionException;

/**
 * An authenticated connection: who it is (member id, key), where it sits (event loop index, room, slots in the
 * dense member lists), which push ops it watches, its outbound ring, and for a position-aware client (auth ver 3)
 * its {@link StreamDelivery}, which turns positioned pushes into op-20 frames merged by offset (null for goim and
 * ver-2 clients: one reference is all they pay).
 *
 * <p>Threading: identity is immutable; room membership and slots change only on the session's event loop; the
 * watched ops are an immutable sorted array behind a volatile reference (read by any pushing thread); the ring is
 * guarded by this object's monitor and drained by {@link #run()} on the event loop. Small on purpose: an idle session
 * holds no ring and no buffers.
 *
 * <p>What it does not own is apart, static, so it costs a session nothing: the watched-op arithmetic
 * ({@link WatchedOps}), the way one push reaches the channel ({@link PushWrite}, with its socket short cut
 * {@link SocketWrite}), and the pipeline it closes through ({@link SessionCloser}).
 */
public final class Session implements Runnable {
    private final Channel channel;
    // The transport as a flag, not the SessionTransport reference: one byte in the padding instead of 8 B (no
    // compressed references under ZGC) in an object every idle session holds; transport() turns it back.
    private final boolean webSocket;
    private final long memberId;
    private final String key;
    private String tenant = io.jgoim.protocol.Tenancy.DEFAULT;
    private final boolean extended;
    private final int loopIndex;
    // The ring's capacity as a power-of-two exponent (PushRing rounds up to a power of two anyway): a byte in the
    // padding, not an int, keeps the object at 104 B under ZGC.
    private final byte ringShift;
    private final CometMetrics metrics;
    private final SessionCloser closer;
    private final StreamDelivery streams;

    private volatile int[] watchOps = WatchedOps.NONE;

    // Loop-confined: the room and this session's slots in the room's and the loop's member lists.
    private Room room;
    private int roomSlot = -1;
    private int loopSlot = -1;

    // Guarded by this. Made on the first push: an idle session holds no ring.
    private Outbox outbox;
    private boolean drainScheduled;

    public Session(Channel channel, SessionTransport transport, long memberId, String key, boolean extended,
                   int loopIndex, int ringSize, CometMetrics metrics, SessionCloser closer) {
        this(channel, transport, memberId, key, extended, loopIndex, ringSize, metrics, closer, null);
    }

    /** A session whose pushes go through {@code streams} (a position-aware client), or none when null. */
    public Session(Channel channel, SessionTransport transport, long memberId, String key, boolean extended,
                   int loopIndex, int ringSize, CometMetrics metrics, SessionCloser closer, StreamDelivery streams) {
        this.streams = streams;
        this.channel = channel;
        this.webSocket = transport.isWebSocket();
        this.memberId = memberId;
        this.key = key;
        this.extended = extended;
        this.loopIndex = loopIndex;
        this.ringShift = ringShift(ringSize);
        this.metrics = metrics;
        this.closer = closer;
    }

    public Channel channel() {
        return channel;
    }

    /** How the client is connected; decides how a push's bytes are framed. */
    public SessionTransport transport() {
        return SessionTransport.of(webSocket);
    }

    public long memberId() {
        return memberId;
    }

    public String key() {
        return key;
    }

    /**
     * The session's tenant ({@code ConnectReply.tenant}; "" = the default tenant): its key and room ids are in the
     * tenant's namespace already; broadcasts compare it (io.jgoim.protocol.Tenancy). Set once, on the session's
     * event loop, before it is registered.
     */
    public String tenant() {
        return tenant;
    }

    public void tenant(String tenant) {
        this.tenant = tenant;
    }

    /** True when the client authenticated with the extended version and understands extension ops. */
    public boolean isExtended() {
        return extended;
    }

    /** The position-aware delivery of this session, or null for a goim or ver-2 client. */
    public StreamDelivery streams() {
        return streams;
    }

    /** Index of the session's event loop in the comet's loop table. */
    public int loopIndex() {
        return loopIndex;
    }

    /** The room the session is in, or null. Event loop only. */
    public Room room() {
        return room;
    }

    // Position in the index: written only by SessionIndex and MemberList, on the session's event loop.
    void room(Room room) {
        this.room = room;
    }

    int roomSlot() {
        return roomSlot;
    }

    void roomSlot(int slot) {
        this.roomSlot = slot;
    }

    int loopSlot() {
        return loopSlot;
    }

    void loopSlot(int slot) {
        this.loopSlot = slot;
    }

    /** When the session expires for silence (loop ticker time). Event loop only. */
    public long idleDeadlineNanos() {
        return closer.idleDeadlineNanos();
    }

    /** Closes the session for silence; called by the loop's idle sweeper once the deadline passed. Event loop only. */
    public void expireIdle(long nowNanos) {
        closer.expireIdle(nowNanos);
    }

    /** True when {@code revoked} names this session's member or token at {@code nowMs}. Event loop only. */
    public boolean revokedBy(Revocations revoked, long nowMs) {
        return revoked.matches(tenant, memberId, closer.jtiHash(), closer.kid(), nowMs);
    }

    /** Closes the session with {@code code}, telling an extended client {@code error}. Event loop only. */
    public void close(CloseCode code, ErrorCode error, String message) {
        closer.close(code, error, message);
    }

    /**
     * goim's rule for key and broadcast pushes: ops below 1000 always pass, business ops only when watched (accepted at
     * auth or watched with op 14).
     */
    public boolean needPush(int op) {
        return WatchedOps.passes(watchOps, op);
    }

    /** Adds ops to the watched set. Event loop only (single writer). */
    public void watch(int[] ops) {
        watchOps = WatchedOps.add(watchOps, ops);
    }

    /** Removes ops from the watched set. Event loop only (single writer). */
    public void unwatch(int[] ops) {
        watchOps = WatchedOps.remove(watchOps, ops);
    }

    /** The watched ops, sorted. */
    public int[] watchedOps() {
        return watchOps.clone();
    }

    /**
     * Writes one push without flushing. Event loop only. Returns false, counting the drop, when the session is closed
     * or over its outbound bound (the slow-consumer policy in the session handler closes it if that lasts). A
     * position-aware session's pushes go through its {@link StreamDelivery}; a drop here leaves its cursor where it
     * was, so the next positioned batch shows the gap and history fills it.
     */
    public boolean write(PushFrame frame) {
        return write(frame, false);
    }

    /**
     * {@link #write(PushFrame)}, and when {@code alone} (the caller writes this session nothing else before its
     * {@link #flush}) a plain-TCP or plain-WebSocket session's bytes (the push's shared TCP bytes or its shared
     * WebSocket message) may go to the socket at once ({@link SocketWrite}): one send, no per-session pipeline write
     * or flush. Several writes before one flush keep the ordinary way, so they still leave
     * in one system call. Event loop only.
     */
    public boolean write(PushFrame frame, boolean alone) {
        return PushWrite.write(channel, webSocket, streams, metrics, frame, alone);
    }

    /** Flushes what {@link #write} left queued, if anything (a write sent straight to the socket left nothing). */
    public void flush() {
        PushWrite.flush(channel);
    }

    /** What {@link #offerTo} did with a push. */
    public enum Offer {
        /** In the ring: the event loop writes it. */
        QUEUED,
        /** Not queued, the drop counted: the session is closed, over its outbound bound, or its ring is full. */
        DROPPED,
        /**
         * Not queued: a goim or ver-2 session was handed every message of this positioned member push before in this
         * session (job sent it again); counted as a repeat.
         */
        HAD_IT
    }

    /**
     * Queues a push in the session's ring from any thread; the event loop writes the ring's contents with one flush.
     * Returns false, counting the drop, when the ring is full or the session is over its bound. Retains
     * {@code frame} while queued. True too when the session had it already ({@link Offer#HAD_IT}).
     */
    public boolean offer(PushFrame frame) {
        return offerTo(frame) != Offer.DROPPED;
    }

    /**
     * {@link #offer}, saying whether the push was queued, dropped, or (a positioned push to a session without its own
     * stream delivery) one this session was handed before ({@link Outbox}).
     */
    public Offer offerTo(PushFrame frame) {
        if (!channel.isWritable()) {
            metrics.dropped(channel.isActive() ? DropReason.SLOW : DropReason.CLOSED);
            return Offer.DROPPED;
        }
        PushFrame.Position p = streams == null ? frame.position() : null;
        boolean schedule;
        synchronized (this) {
            if (outbox == null) {
                outbox = new Outbox(1 << ringShift);
            }
            if (p != null && outbox.hadAll(p)) {
                metrics.memberRepeats(p.count());
                return Offer.HAD_IT;
            }
            frame.retain();
            if (!outbox.ring.offer(frame)) {
                frame.release();
                metrics.dropped(DropReason.RING_FULL);
                return Offer.DROPPED;
            }
            if (p != null) {
                outbox.handed(p);
            }
            schedule = !drainScheduled;
            drainScheduled = true;
        }
        if (schedule) {
            try {
                channel.eventLoop().execute(this);
            } catch (RejectedExecutionException e) {
                discardRing();
            }
        }
        return Offer.QUEUED;
    }

    /** Drains the ring on the event loop: writes every queued push, then flushes once. */
    @Override
    public void run() {
        int written = 0;
        for (PushFrame f; (f = pollRing()) != null; ) {
            try {
                if (write(f)) {
                    written++;
                }
            } finally {
                f.release();
            }
        }
        if (written > 0) {
            channel.flush();
            metrics.pushed(CometMetrics.PushKind.KEY, written);
        }
    }

    /** The next queued push, or null; a null also ends the scheduled drain, so the next offer schedules one. */
    private synchronized PushFrame pollRing() {
        PushFrame f = outbox == null ? null : (PushFrame) outbox.ring.poll();
        if (f == null) {
            drainScheduled = false;
        }
        return f;
    }

    /** Releases whatever the ring still holds (the session is closing). */
    public void discardRing() {
        for (PushFrame f; (f = pollRing()) != null; ) {
            f.release();
            metrics.dropped(DropReason.CLOSED);
        }
    }

    /** Closes the session with {@code code} from any thread; the goodbye is written on its event loop. */
    public void close(CloseCode code) {
        if (channel.eventLoop().inEventLoop()) {
            closer.close(code);
        } else {
            try {
                channel.eventLoop().execute(() -> closer.close(code));
            } catch (RejectedExecutionException e) {
                channel.close();
            }
        }
    }

    /** The exponent of the power of two PushRing rounds {@code ringSize} up to (31 for a size it refuses). */
    private static byte ringShift(int ringSize) {
        return (byte) (ringSize <= 0 ? 31 : 32 - Integer.numberOfLeadingZeros(ringSize - 1));
    }

    @Override
    public String toString() {
        return "Session{key=" + key + ", mid=" + memberId + ", " + transport() + '}';
    }
}
