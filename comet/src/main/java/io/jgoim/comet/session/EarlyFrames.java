package io.jgoim.comet.session;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Proto;
import io.netty.channel.ChannelHandlerContext;

import java.util.ArrayDeque;

/**
 * The client frames that arrive after its auth frame and before the auth is answered, held in arrival order (at most
 * {@code protocol.maxPendingFrames}) so that none reaches the session handler before the session exists, then
 * replayed to it, or released when the handshake fails. It exists so that {@link HandshakeHandler} keeps the states
 * of the handshake and this the frames' ownership.
 *
 * <p>Made only for a client that sends before the reply, and dropped when the handshake ends. Event loop only; owns
 * the frames it holds.
 */
final class EarlyFrames {
    private final ArrayDeque<Proto> frames = new ArrayDeque<>(4);
    private final int max;

    EarlyFrames(int max) {
        this.max = max;
    }

    /**
     * Takes {@code p} (the caller no longer owns it): null when it is held, else the close to fire — it is released,
     * more frames came than may be held.
     */
    SessionCloseException hold(Proto p) {
        if (frames.size() >= max) {
            p.release();
            return new SessionCloseException(ErrorCode.RATE_LIMITED, CloseCode.PROTOCOL_ERROR, p.seq(),
                    "more than " + frames.size() + " frames before the auth reply");
        }
        frames.add(p);
        return null;
    }

    /** Fires the held frames down the pipeline from {@code ctx} in arrival order, then a read-complete. */
    void replay(ChannelHandlerContext ctx) {
        for (Proto p; (p = frames.poll()) != null; ) {
            ctx.fireChannelRead(p);
        }
        ctx.fireChannelReadComplete();
    }

    /** The handshake failed or the channel closed: the held frames are released. */
    void release() {
        for (Proto p; (p = frames.poll()) != null; ) {
            p.release();
        }
    }
}
