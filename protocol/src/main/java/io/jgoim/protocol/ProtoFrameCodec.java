package io.jgoim.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;

import java.net.SocketAddress;
import java.util.List;

/**
 * {@link ProtoFrameDecoder} and {@link ProtoEncoder} in one handler, for the server's TCP pipeline: each handler costs
 * a channel a pipeline context (about 100 bytes), and a comet holds hundreds of thousands of idle channels.
 * Inbound it is the decoder; outbound it encodes a {@link Proto} into one frame in a pooled direct buffer and
 * releases the Proto, and lets everything else (raw {@link ByteBuf}s encoded once for many sessions) pass untouched.
 * One instance per channel, like the decoder.
 *
 * <p>It can also host the connection's last inbound stage ({@link FrameReceiver}): once attached, decoded frames
 * and the read, writability, failure and close events go to the receiver directly, one pipeline context less.
 */
public final class ProtoFrameCodec extends ProtoFrameDecoder implements ChannelOutboundHandler, FrameReceiver.Host {
    private FrameReceiver receiver;

    /**
     * @param maxBody      the largest inbound body accepted, in bytes
     * @param clientFrames true on the server, where frames come from a client and are checked for allowed ops
     */
    public ProtoFrameCodec(int maxBody, boolean clientFrames) {
        super(maxBody, clientFrames);
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    protected void emit(ChannelHandlerContext ctx, Proto frame, List<Object> out) {
        FrameReceiver r = receiver;
        if (r == null) {
            out.add(frame);
            return;
        }
        // As Netty does for a handler's channelRead: what the receiver throws goes to its own failure handling
        // (not wrapped in a DecoderException, as it would be if it left decode()).
        try {
            r.frameRead(frame);
        } catch (Throwable t) {
            r.failed(t);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        super.channelReadComplete(ctx);
        FrameReceiver r = receiver;
        if (r != null) {
            r.readComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        FrameReceiver r = receiver;
        if (r != null) {
            r.writabilityChanged();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        FrameReceiver r = receiver;
        if (r != null) {
            r.failed(cause);
        } else {
            super.exceptionCaught(ctx, cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        FrameReceiver r = receiver;
        if (r == null) {
            super.channelInactive(ctx);
            return;
        }
        // The decoder delivers what it still holds (and may fail on a cut frame) before the receiver hears of the
        // close, as the pipeline would order it.
        try {
            super.channelInactive(ctx);
        } finally {
            r.inactive();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Proto) {
            ByteBuf out = ProtoCodec.encodeAndRelease(ctx.alloc(), (Proto) msg);
            ctx.write(out, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void bind(ChannelHandlerContext ctx, SocketAddress localAddress, ChannelPromise promise) {
        ctx.bind(localAddress, promise);
    }

    @Override
    public void connect(ChannelHandlerContext ctx, SocketAddress remoteAddress, SocketAddress localAddress,
                        ChannelPromise promise) {
        ctx.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.disconnect(promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.close(promise);
    }

    @Override
    public void deregister(ChannelHandlerContext ctx, ChannelPromise promise) {
        ctx.deregister(promise);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        ctx.read();
    }
}
