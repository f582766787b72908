package io.jgoim.comet.frame;

import io.jgoim.protocol.ProtoCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * One push, encoded once and shared by every recipient: {@link #tcp()} holds the already-encoded goim frames (what
 * a TCP session gets, byte for byte) and {@link #webSocket()} the same bytes wrapped once in an outer op-9 frame (what
 * every WebSocket session gets), made on first use. Recipients write {@code retainedDuplicate()}s of these buffers,
 * never copies.
 *
 * <p>Reference-counted: the creator holds one reference, each fan-out task or ring slot retains one while it holds
 * the frame; the last release frees both buffers. {@link #webSocket()} is safe to call from several event loops.
 */
public final class PushFrame extends AbstractReferenceCounted {
    private final ByteBuf tcp;
    private final ByteBufAllocator alloc;
    private volatile ByteBuf webSocket;

    /** Takes ownership of {@code tcp}: one or more whole encoded frames. */
    public PushFrame(ByteBuf tcp, ByteBufAllocator alloc) {
        this.tcp = tcp;
        this.alloc = alloc;
    }

    /** The frames as a TCP session receives them. Do not release; duplicate. */
    public ByteBuf tcp() {
        return tcp;
    }

    /** The frames wrapped in one op-9 frame, as a WebSocket message carries them; built once. Do not release. */
    public ByteBuf webSocket() {
        ByteBuf ws = webSocket;
        if (ws == null) {
            synchronized (this) {
                ws = webSocket;
                if (ws == null) {
                    ws = ProtoCodec.wrapRaw(alloc, tcp);
                    webSocket = ws;
                }
            }
        }
        return ws;
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
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        tcp.touch(hint);
        return this;
    }
}
