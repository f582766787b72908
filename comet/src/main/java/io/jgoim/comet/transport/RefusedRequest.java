package io.jgoim.comet.transport;

import io.jgoim.common.http.LingeringClose;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * Ends a WebSocket listener's connection with an HTTP answer to a request it will not upgrade (400, 403, 404, 405,
 * 413, 417, 426, 429, 505): the answer, then a {@link LingeringClose}, so a client still sending reads it whole
 * instead of a reset. Requests the HTTP codec decodes after the refused one (pipelined behind it in the same read)
 * are dropped right behind the codec: {@code Connection: close} means nothing after it is answered, and no handler
 * may upgrade or answer them. Stateless; event loop.
 */
final class RefusedRequest {
    private RefusedRequest() {
    }

    /** Writes {@code answer} from {@code ctx} (ownership passes) and ends the connection, lingering. */
    static void answer(ChannelHandlerContext ctx, HttpResponse answer) {
        ChannelPipeline p = ctx.pipeline();
        if (p.get(PipelineNames.HTTP) != null && p.get(PipelineNames.REFUSED_REQUEST) == null) {
            p.addAfter(PipelineNames.HTTP, PipelineNames.REFUSED_REQUEST, DropRequests.INSTANCE);
        }
        ctx.writeAndFlush(answer).addListener(LingeringClose.INSTANCE);
    }

    /** Drops whatever the HTTP codec decodes once an answer ended the connection. */
    @ChannelHandler.Sharable
    private static final class DropRequests extends ChannelInboundHandlerAdapter {
        static final DropRequests INSTANCE = new DropRequests();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
