package io.jgoim.comet.transport;

import io.jgoim.common.http.HttpResponses;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The WebSocket listener's aggregator of the upgrade request: a body over the limit (declared or received, or
 * declared with an {@code Expect}) is answered 413 and the connection closed. Netty's own answer keeps a keep-alive
 * connection open to read the next request, which on this listener never comes: the client would wait for the
 * handshake deadline and then get a second answer. One instance per channel; on the channel's event loop.
 */
final class UpgradeRequestAggregator extends HttpObjectAggregator {
    UpgradeRequestAggregator(int maxContentLength) {
        super(maxContentLength, true);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse r = HttpResponses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "upgrade request body over " + maxContentLength() + " bytes\n");
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
