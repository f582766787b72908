package io.jgoim.common.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.function.IntFunction;

/**
 * An {@link HttpObjectAggregator} whose refusals are the service's own answers (logic's JSON 413 and 417 instead of
 * Netty's empty ones), queued behind the replies of earlier pipelined requests by the {@link PipelinedHttpHandler}
 * that must follow it in the pipeline, whether the body is over the limit as received, as declared, or as declared
 * with {@code Expect: 100-continue}; the connection then closes, since the rest of the body is unread. A body cut
 * short by the client's half-close (on a listener with {@code ALLOW_HALF_CLOSURE}) is refused as malformed the same
 * way. It also tells that handler when each request's headers are read, which starts the body's timeout. One instance
 * per channel, like any aggregator; on the channel's event loop.
 */
public final class BoundedHttpAggregator extends HttpObjectAggregator {
    private final IntFunction<FullHttpResponse> tooLarge;
    /** The handler after this one, found on first use (it is added after this one). */
    private PipelinedHttpHandler replies;
    /** A request's headers are read and its body is not complete yet. */
    private boolean bodyDue;
    /** The request being started was refused for its Expect header (417): skip it, do not aggregate it. */
    private boolean expectationRefused;

    /** @param tooLarge builds the answer from the limit in bytes */
    public BoundedHttpAggregator(int maxContentLength, IntFunction<FullHttpResponse> tooLarge) {
        super(maxContentLength);
        this.tooLarge = tooLarge;
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        // read first: Netty removes the Expect header once it has an answer to it
        String expectation = start.headers().get(HttpHeaderNames.EXPECT);
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(answer instanceof FullHttpResponse refusal) || refusal.status().code() < 400) {
            return answer; // 100 Continue (or no expectation): Netty writes it, the body follows
        }
        // Netty would write its own empty refusal at once, ahead of earlier replies: answer in order instead.
        HttpResponseStatus status = refusal.status();
        refusal.release();
        if (!HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.equals(status)) {
            replies(pipeline).refuse(HttpRefusal.EXPECTATION_FAILED, "Expect: " + expectation
                    + " is not supported, only 100-continue");
            // Netty has reset its decoder past this request's body: what follows is read as the next request, so
            // this one must not be aggregated (a next request while aggregating makes the aggregator throw).
            expectationRefused = true;
        }
        // null: the aggregator goes on to its declared-length check, which skips the request as oversized below.
        return null;
    }

    @Override
    protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
        return expectationRefused || super.isContentLengthInvalid(start, maxContentLength);
    }

    @Override
    protected FullHttpMessage beginAggregation(HttpMessage start, ByteBuf content) throws Exception {
        replies(ctx().pipeline()).headersRead();
        bodyDue = true;
        return super.beginAggregation(start, content);
    }

    @Override
    protected void finishAggregation(FullHttpMessage aggregated) throws Exception {
        bodyDue = false;
        super.finishAggregation(aggregated);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        bodyDue = false;
        if (expectationRefused) {
            expectationRefused = false; // refused already (417), skipped here like an oversized body
            return;
        }
        replies(ctx.pipeline()).replyAndClose(tooLarge.apply(maxContentLength()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (bodyDue) {
            // Closed with a body still due: after its 408 (the body timeout) or while the client left mid-body. Netty
            // would raise a premature closure, which the handler after us counts and logs as a connection error.
            bodyDue = false;
            releaseCurrentMessage();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent && bodyDue) {
            // Netty's decoder drops a body cut short without a word: the rest can never come, so refuse it here.
            bodyDue = false;
            releaseCurrentMessage();
            replies(ctx.pipeline()).refuse(HttpRefusal.MALFORMED,
                    "request body cut short: the client shut its side of the connection");
        }
        super.userEventTriggered(ctx, evt);
    }

    private PipelinedHttpHandler replies(ChannelPipeline pipeline) {
        if (replies == null) {
            replies = pipeline.get(PipelinedHttpHandler.class);
        }
        return replies;
    }
}
