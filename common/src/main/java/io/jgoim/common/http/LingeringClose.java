package io.jgoim.common.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Ends an HTTP connection after its last reply is handed to the socket: shuts the output (the kernel sends the FIN
 * behind every reply), then discards what the client still sends, ahead of the decoders, until it closes or
 * {@link #LINGER_MILLIS} pass. Closing at once with the client's bytes unread makes the kernel answer with a reset
 * that discards the replies it has not transmitted yet, the refusal among them (Apache's and nginx's lingering close;
 * comet's refusals at accept and of WebSocket upgrades end this way too); over TLS the close_notify goes first. A
 * channel that cannot shut its output alone, or a failed write, is closed at once.
 * Stateless listener, {@link #INSTANCE}; the discarding handler is one per channel, on its event loop.
 */
public final class LingeringClose implements ChannelFutureListener {
    /** Longest a connection is kept after its last reply for the client to read it and close. */
    public static final long LINGER_MILLIS = 1000;
    public static final LingeringClose INSTANCE = new LingeringClose();

    private LingeringClose() {
    }

    @Override
    public void operationComplete(ChannelFuture written) {
        Channel ch = written.channel();
        if (!written.isSuccess() || !(ch instanceof DuplexChannel duplex) || !ch.isActive()
                || duplex.isInputShutdown()) {
            ch.close(); // (input shut: the client's end of stream was read, no byte of it is left unread)
            return;
        }
        ScheduledFuture<?> linger = ch.eventLoop().schedule(() -> {
            ch.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> linger.cancel(false)); // the usual end: the client closes first
        SslHandler tls = ch.pipeline().get(SslHandler.class);
        ch.pipeline().addFirst(new Discard());
        ch.config().setAutoRead(true);
        if (tls == null) {
            shutdownOutput(duplex);
        } else {
            // TLS ends with close_notify before the FIN, or the client reads a truncation
            tls.closeOutbound().addListener(f -> shutdownOutput(duplex));
        }
    }

    private static void shutdownOutput(DuplexChannel ch) {
        if (!ch.isActive()) {
            return;
        }
        ch.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ch.close();
            }
        });
    }

    /** First in the pipeline while lingering: drops every byte read, closes at the client's end of stream. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // nothing to pass on: the handlers behind wait for no more input
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset while lingering: the replies were sent, nothing more is owed
        }
    }
}
