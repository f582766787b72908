package io.jgoim.comet.frame;

import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ws.WsFrameHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.util.Set;

/**
 * One push, encoded once and shared by every recipient: {@link #tcp()} holds the already-encoded goim frames (what
 * a TCP session gets, byte for byte) and {@link #webSocketMessage()} the same bytes wrapped once in an outer op-9
 * frame inside one complete WebSocket binary frame (what every WebSocket session gets, byte for byte), made on first
 * use. A push with a stream {@link Position} also has
 * {@link #publications()}: the same frames in one op-20 frame, made on first use by a position-aware recipient (so a
 * push that reaches none of them builds none). Recipients write {@code retainedDuplicate()}s of these buffers, never
 * copies.
 *
 * <p>Reference-counted: the creator holds one reference, each fan-out task or ring slot retains one while it holds
 * the frame; the last release frees every buffer. The lazy variants are safe to build from several event loops.
 */
public final class PushFrame extends AbstractReferenceCounted {
    private final ByteBuf tcp;
    private final ByteBufAllocator alloc;
    private final Position position;
    private final int op;
    private final Set<String> audience;
    private volatile ByteBuf webSocket;
    // The native addresses of tcp's and webSocket's memory (0: none, a heap buffer), taken once per push for the
    // sends straight from them: ByteBuf.memoryAddress() checks the reference count on every call, once per session.
    // webSocketAddress is written before webSocket's volatile write and read after its volatile read.
    private final long tcpAddress;
    private long webSocketAddress;
    private volatile ByteBuf publications;

    /**
     * Where a push sits in its stream: {@code count} messages (the frames of the push, in order) at offsets
     * {@code first .. first + count - 1} of {@code stream}'s epoch {@code epoch}.
     */
    public record Position(String stream, long epoch, long first, int count) {
        public long last() {
            return first + count - 1;
        }
    }

    /** Takes ownership of {@code tcp}: one or more whole encoded frames. */
    public PushFrame(ByteBuf tcp, ByteBufAllocator alloc) {
        this(tcp, alloc, null);
    }

    /**
     * Takes ownership of {@code tcp}, whose frames sit at {@code position} (null: the push has none); the frame
     * count of {@code position} must be the number of frames in {@code tcp}.
     */
    public PushFrame(ByteBuf tcp, ByteBufAllocator alloc, Position position) {
        this(tcp, alloc, position, -1, null);
    }

    /**
     * A positioned push of one message with business op {@code op} (-1: unknown, as for a room batch) addressed to
     * the sessions {@code audience} among those it is offered to (null: all of them). A position-aware session that
     * is offered it but is not in its audience, or does not watch its op on a member or broadcast stream, only
     * advances its cursor past it (see {@code StreamFilter}).
     */
    public PushFrame(ByteBuf tcp, ByteBufAllocator alloc, Position position, int op, Set<String> audience) {
        this.tcp = tcp;
        this.alloc = alloc;
        this.position = position;
        this.op = op;
        this.audience = audience;
        this.tcpAddress = tcp.hasMemoryAddress() ? tcp.memoryAddress() : 0;
    }

    /** The business op of the push, or -1 when unknown (several messages). */
    public int op() {
        return op;
    }

    /** The session keys the push is for among those it is offered to, or null: every one of them. */
    public Set<String> audience() {
        return audience;
    }

    /** The frames as a TCP session receives them. Do not release; duplicate. */
    public ByteBuf tcp() {
        return tcp;
    }

    /**
     * The whole WebSocket message every plain WebSocket session gets, byte for byte: the header of an unmasked final
     * binary frame (server frames carry no mask, and no session negotiates an extension) and its payload, the frames
     * wrapped in one op-9 frame; built once, on the first call, in a direct buffer. Do not release.
     */
    public ByteBuf webSocketMessage() {
        ByteBuf ws = webSocket;
        if (ws == null) {
            synchronized (this) {
                ws = webSocket;
                if (ws == null) {
                    int payload = PacketLayout.HEADER_LENGTH + tcp.readableBytes();
                    ws = alloc.directBuffer(WsFrameHeader.size(payload) + payload);
                    WsFrameHeader.write(ws, WsFrameHeader.FIN_BINARY, payload);
                    ProtoCodec.writeFrame(ws, PacketLayout.VERSION, Op.RAW, 0, tcp);
                    webSocketAddress = ws.hasMemoryAddress() ? ws.memoryAddress() : 0;
                    webSocket = ws;
                }
            }
        }
        return ws;
    }

    /**
     * The native memory address of the buffer of {@link #tcp()}, or with {@code webSocket} of
     * {@link #webSocketMessage()} (building it on first use), as {@link ByteBuf#memoryAddress()} gives it (index 0),
     * or 0 when the buffer has none. Valid only while the caller holds a reference to this push, like the bytes
     * themselves; taken once per push, so a fan-out does not check the buffer's reference count per session.
     */
    public long address(boolean webSocket) {
        if (webSocket) {
            webSocketMessage();
            return webSocketAddress;
        }
        return tcpAddress;
    }

    /** The push's stream position, or null when it has none (a plain push for every session). */
    public Position position() {
        return position;
    }

    public boolean isPositioned() {
        return position != null;
    }

    /**
     * The frames in one op-20 frame (both transports: over WebSocket it is the binary message itself); built once,
     * on the first call. Only for a positioned push. Do not release.
     */
    public ByteBuf publications() {
        ByteBuf p = publications;
        if (p == null) {
            synchronized (this) {
                p = publications;
                if (p == null) {
                    p = PublicationFrames.encode(alloc, position.stream(), position.epoch(), position.first(), tcp,
                            tcp.readerIndex(), tcp.readableBytes());
                    publications = p;
                }
            }
        }
        return p;
    }

    /** The reader index in {@link #tcp()} of frame {@code index} (0-based); walks the frame headers. */
    public int frameStart(int index) {
        int at = tcp.readerIndex();
        for (int i = 0; i < index; i++) {
            at += tcp.getInt(at + PacketLayout.PACK_LEN_OFFSET);
        }
        return at;
    }

    /** The number of goim frames this push carries (its position's count, else counted from the frame headers). */
    public int frameCount() {
        if (position != null) {
            return position.count();
        }
        int n = 0;
        int end = tcp.writerIndex();
        for (int at = tcp.readerIndex(); at + PacketLayout.HEADER_LENGTH <= end; n++) {
            int len = tcp.getInt(at + PacketLayout.PACK_LEN_OFFSET);
            if (len < PacketLayout.HEADER_LENGTH) {
                return n + 1; // not goim frames: one opaque message
            }
            at += len;
        }
        return Math.max(n, 1);
    }

    /**
     * True when {@code next} may be written right after this push as part of one write: both for every session they
     * are offered to (no audience), the same business op, and either both without position or {@code next}
     * continuing this one's stream and epoch at the very next offset. Then {@link #concat} of the two means the same
     * to every recipient as the two one after the other.
     */
    public boolean isFollowedBy(PushFrame next) {
        if (audience != null || next.audience != null || op != next.op) {
            return false;
        }
        Position p = position;
        Position q = next.position;
        if (p == null || q == null) {
            return p == q;
        }
        return p.epoch() == q.epoch() && q.first() == p.last() + 1 && p.stream().equals(q.stream());
    }

    /**
     * One push of {@code parts[from, to)} back to back (each {@link #isFollowedBy} the one before it): their bytes
     * copied once into one buffer, the position spanning them all. The caller owns the result; the parts are not
     * released.
     */
    public static PushFrame concat(PushFrame[] parts, int from, int to) {
        PushFrame first = parts[from];
        int bytes = 0;
        int count = 0;
        for (int i = from; i < to; i++) {
            bytes += parts[i].size();
            count += parts[i].position != null ? parts[i].position.count() : 0;
        }
        ByteBuf buf = first.alloc.directBuffer(bytes);
        for (int i = from; i < to; i++) {
            ByteBuf t = parts[i].tcp;
            buf.writeBytes(t, t.readerIndex(), t.readableBytes());
        }
        Position p = first.position;
        Position merged = p == null ? null : new Position(p.stream(), p.epoch(), p.first(), count);
        return new PushFrame(buf, first.alloc, merged, first.op, null);
    }

    /** Bytes a recipient adds to its outbound buffer. */
    public int size() {
        return tcp.readableBytes();
    }

    @Override
    public PushFrame retain() {
        super.retain();
        return this;
    }

    @Override
    protected void deallocate() {
        tcp.release();
        ByteBuf ws = webSocket;
        if (ws != null) {
            ws.release();
        }
        ByteBuf p = publications;
        if (p != null) {
            p.release();
        }
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        tcp.touch(hint);
        return this;
    }
}
