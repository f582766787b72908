package io.jgoim.comet.transport;

import io.jgoim.common.http.LingeringClose;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The whole pipeline of a connection refused at accept (or right after its PROXY header): writes the refusal
 * ({@link RefusalReplies}), then ends the connection as every HTTP refusal does ({@link LingeringClose}): output shut,
 * what the client sends discarded until it closes, or a close after {@link LingeringClose#LINGER_MILLIS}. Reading to
 * the client's close instead of closing at once keeps the kernel from answering the client's unread auth frame with
 * a reset that could overtake the refusal. A bare close when there is nothing to write (TLS listeners: telling would
 * cost the handshake the limit saves). One instance per refused connection.
 */
final class RefusedConnection extends ChannelInboundHandlerAdapter {
    private final ByteBuf reply;
    private boolean done;

    /** @param reply the refusal to write (ownership passes), or null for a bare close */
    RefusedConnection(ByteBuf reply) {
        this.reply = reply;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            refuse(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        refuse(ctx);
    }

    private void refuse(ChannelHandlerContext ctx) {
        if (done) {
            return;
        }
        done = true;
        refuse(ctx, reply);
    }

    /** Writes {@code reply} (or nothing when null) from {@code ctx} towards the socket, then ends the connection. */
    static void refuse(ChannelHandlerContext ctx, ByteBuf reply) {
        if (reply == null) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(reply).addListener(LingeringClose.INSTANCE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
