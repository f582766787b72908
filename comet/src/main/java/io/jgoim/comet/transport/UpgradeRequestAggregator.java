package io.jgoim.comet.transport;

import io.jgoim.common.http.HttpResponses;
import io.jgoim.common.http.LingeringClose;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The WebSocket listener's aggregator of the upgrade request: a body over the limit (declared or received, or
 * declared with an {@code Expect}) is answered 413, an {@code Expect} other than {@code 100-continue} 417, and the
 * connection ended with a lingering close ({@link LingeringClose}: the client may still be sending its body). Netty's
 * own 413 keeps a keep-alive connection open to read the next request, which on this listener never comes: the
 * client would wait for the handshake deadline and then get a second answer; its 417 is empty and closes at once.
 * One instance per channel; on the channel's event loop.
 */
final class UpgradeRequestAggregator extends HttpObjectAggregator {
    /** The request being started was refused for its Expect header (417): skip it as oversized, unanswered. */
    private boolean expectationRefused;
    /** Why the request being started is refused for its framing (400), or null. */
    private String framing;

    UpgradeRequestAggregator(int maxContentLength) {
        super(maxContentLength, true);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        String expectation = start.headers().get(HttpHeaderNames.EXPECT); // Netty removes it once answered
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        if (!(answer instanceof FullHttpResponse netty) || netty.status().code() < 400) {
            return answer; // 100 Continue, or no expectation
        }
        boolean tooLarge = HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.equals(netty.status());
        netty.release();
        if (!tooLarge) {
            expectationRefused = true;
            refuse(pipeline.context(this), HttpResponses.text(HttpResponseStatus.EXPECTATION_FAILED,
                    "Expect: " + expectation + " is not supported, only 100-continue\n"));
        }
        // null: the aggregator goes on to its declared-length check, which refuses (413) or skips it (417) below
        return null;
    }

    @Override
    protected boolean isContentLengthInvalid(HttpMessage start, int maxContentLength) {
        // A framing the check behind would refuse (RequestFraming) is refused here, at the head: with a coding
        // before chunked (gzip, chunked) Netty waits for a chunked body that a GET does not send, and the client
        // got the 408 at the handshake deadline instead of the 400 (found by fuzzing)
        if (start instanceof io.netty.handler.codec.http.HttpRequest req) {
            framing = io.jgoim.common.http.RequestFraming.problem(req);
        }
        return framing != null || expectationRefused || super.isContentLengthInvalid(start, maxContentLength);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        if (expectationRefused) {
            return; // answered 417 already
        }
        if (framing != null) {
            refuse(ctx, HttpResponses.text(HttpResponseStatus.BAD_REQUEST,
                    "malformed HTTP request: " + framing + "\n"));
            return;
        }
        refuse(ctx, HttpResponses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "upgrade request body over " + maxContentLength() + " bytes\n"));
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpResponse r) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        RefusedRequest.answer(ctx, r);
    }
}
