package io.jgoim.benchmarks;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Stands in for the socket at the head end of a benchmark pipeline: releases every outbound message it is given (as
 * the transport does once the bytes are written) and lets flushes pass on to the channel. Keeps benchmarks of the
 * push path free of socket I/O while every handler in front of it runs as in production. {@code @Sharable}, stateless,
 * thread-safe.
 */
@ChannelHandler.Sharable
public final class ReleasingSink extends ChannelOutboundHandlerAdapter {
    /** The shared instance. */
    public static final ReleasingSink INSTANCE = new ReleasingSink();

    private ReleasingSink() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ReferenceCountUtil.release(msg);
        if (!promise.isVoid()) {
            promise.setSuccess();
        }
    }
}
