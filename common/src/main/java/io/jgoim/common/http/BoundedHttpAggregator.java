package io.jgoim.common.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

import java.util.function.IntFunction;

/**
 * An {@link HttpObjectAggregator} whose answer to a body over the limit is the service's own (logic's JSON 413
 * instead of Netty's empty one), queued behind the replies of earlier pipelined requests by the
 * {@link PipelinedHttpHandler} that must follow it in the pipeline; the connection then closes, since the rest of
 * the body is unread. One instance per channel, like any aggregator.
 */
public final class BoundedHttpAggregator extends HttpObjectAggregator {
    private final IntFunction<FullHttpResponse> tooLarge;

    /** @param tooLarge builds the answer from the limit in bytes */
    public BoundedHttpAggregator(int maxContentLength, IntFunction<FullHttpResponse> tooLarge) {
        super(maxContentLength);
        this.tooLarge = tooLarge;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.pipeline().get(PipelinedHttpHandler.class).replyAndClose(tooLarge.apply(maxContentLength()));
    }
}
