package io.jgoim.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;

import java.net.SocketAddress;

/**
 * {@link ProtoFrameDecoder} and {@link ProtoEncoder} in one handler, for the server's TCP pipeline: each handler costs
 * a channel a pipeline context (about 100 bytes), and a comet holds hundreds of thousands of idle channels.
 * Inbound it is the decoder; outbound it encodes a {@link Proto} into one frame in a pooled direct buffer and
 * releases the Proto, and lets everything else (raw {@link ByteBuf}s encoded once for many sessions) pass untouched.
 * One instance per channel, like the decoder.
 */
public final class ProtoFrameCodec extends ProtoFrameDecoder implements ChannelOutboundHandler {
    /**
     * @param maxBody      the largest inbound body accepted, in bytes
     * @param clientFrames true on the server, where frames come from a client and are checked for allowed ops
     */
    public ProtoFrameCodec(int maxBody, boolean clientFrames) {
        super(maxBody, clientFrames);
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
