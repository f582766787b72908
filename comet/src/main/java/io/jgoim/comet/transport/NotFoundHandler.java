package io.jgoim.comet.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers any HTTP request that reached it, which means one for a path other than the WebSocket path, with 404 and
 * closes. Removed from the pipeline once the upgrade completes. Stateless and shared.
 */
@ChannelHandler.Sharable
public final class NotFoundHandler extends ChannelInboundHandlerAdapter {
    public static final NotFoundHandler INSTANCE = new NotFoundHandler();

    private NotFoundHandler() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            String uri = ((HttpRequest) msg).uri();
            ReferenceCountUtil.release(msg);
            // a body naming the problem, as every other refusal on this port (operations.md, Bad upgrade requests)
            FullHttpResponse r = io.jgoim.common.http.HttpResponses.text(HttpResponseStatus.NOT_FOUND,
                    "no WebSocket endpoint at " + io.jgoim.common.logging.ClientText.of(uri, 64)
                            + ": this port serves only the WebSocket upgrade on its path\n");
            r.headers().set(HttpHeaderNames.CONNECTION, "close");
            RefusedRequest.answer(ctx, r);
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
