package io.jgoim.common.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Answers one connection's HTTP/1.1 requests in request order (pipelining) while an {@link HttpService} completes
 * them on other threads: each request read takes a reply slot at the tail of a queue, and the event loop writes the
 * replies that are ready at its head. When {@link PipeliningPolicy#maxPipelined()} replies are due, or the client
 * does not read its replies, the handler stops reading from the socket until half are answered: every request read
 * gets its reply, none is dropped by closing. A request Netty could not decode, one naming an HTTP version other
 * than 1.0 and 1.1, or one with {@code Connection: close}, is answered behind the earlier ones and then the
 * connection closes, lingering ({@link LingeringClose}) so that no reply is lost to a reset. On a listener with
 * {@code ALLOW_HALF_CLOSURE} a client that shuts its output (a half-close: it sent all it will) still gets the reply
 * of each request read, the last with {@code Connection: close}, and then the connection closes; without it Netty
 * closes at once and drops them. A {@link RequestDeadline} holds the connection
 * to the listener's {@link HttpTimeouts} (slow head or body: 408, then close; idle: close). Connection errors close
 * the connection and are counted and logged by the policy, client errors logged at its bounded rate. One instance
 * per channel; state touched only on its event loop.
 * Sits behind {@code HttpServerCodec} and a {@link BoundedHttpAggregator} (which answers oversized bodies through
 * {@link #replyAndClose} and reports each request's end of headers); give the codec a {@code maxPipelineDepth} well
 * above the policy's bound (more than one read can hold), or Netty closes the connection, dropping replies, before
 * this handler pauses reading.
 */
public final class PipelinedHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final HttpService service;
    private final PipeliningPolicy policy;
    private final RequestDeadline deadline;
    /** Requests read and not yet answered, oldest first. */
    private final ArrayDeque<Reply> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** Reads are off because too many requests wait for their replies (or the socket does not drain). */
    private boolean readPaused;
    /** A reply with Connection: close is queued: later requests are not served, the connection ends after it. */
    private boolean closing;
    /** The client shut its output: the connection ends after the last reply due. */
    private boolean inputShut;

    public PipelinedHttpHandler(HttpService service, PipeliningPolicy policy, HttpTimeouts timeouts) {
        this.service = service;
        this.policy = policy;
        this.deadline = new RequestDeadline(timeouts, this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            deadline.start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline.start(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !inputShut) {
            // A request cut short is answered by now: a head by the codec (malformed), a body by the aggregator.
            inputShut = true;
            if (pending.isEmpty()) {
                ctx.close();
            } else {
                deadline.closing();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        deadline.readComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        deadline.requestRead();
        if (closing) {
            return; // after a Connection: close reply nothing more is answered, so nothing more is done
        }
        if (req.decoderResult().cause() instanceof TooLongHttpLineException tooLong) {
            // A request line over the codec's limit: most likely a push naming too many keys or mids. Answered 414,
            // then the connection closes (the codec reads nothing more of it).
            refuse(HttpRefusal.URI_TOO_LONG, "request line too long: " + tooLong.getMessage()
                    + " Split the push (fewer keys or mids per request).");
            return;
        }
        if (req.decoderResult().isFailure()) {
            // Not HTTP we can read (bad request line, header too long): answer and drop the connection.
            policy.clientError(ctx.channel().remoteAddress(), "malformed HTTP request: "
                    + req.decoderResult().cause().getMessage());
            enqueue(false).complete(service.malformed(req));
            return;
        }
        HttpVersion version = req.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            // HTTP/2.0, HTTP/1.2, HTTP/0.9 in a request line: none of them is read as HTTP/1.1 would be.
            refuse(HttpRefusal.VERSION, "HTTP version " + version.text() + " not supported: use HTTP/1.1");
            return;
        }
        String framing = RequestFraming.problem(req);
        if (framing != null) {
            refuse(HttpRefusal.MALFORMED, framing);
            return;
        }
        String origin = RequestFraming.originForm(req.uri());
        if (origin != null) {
            req.setUri(origin); // the services route by path
        }
        Reply reply = enqueue(HttpUtil.isKeepAlive(req));
        CompletableFuture<FullHttpResponse> response;
        try {
            response = service.serve(req, ctx.channel());
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete(reply);
    }

    /**
     * Refuses the request being read (or the connection, if none is) with the service's answer to {@code refusal},
     * logged at the policy's bounded rate, and closes the connection after it, behind every earlier reply. On the
     * event loop.
     */
    void refuse(HttpRefusal refusal, String message) {
        if (!closing) {
            policy.clientError(ctx.channel().remoteAddress(), message);
            enqueue(false).complete(service.refuse(refusal, message));
        }
    }

    /**
     * Answers the request being read (or the one whose body the aggregator refused) with {@code response} and
     * closes the connection after it, behind every earlier reply. On the event loop.
     */
    public void replyAndClose(FullHttpResponse response) {
        if (closing) {
            response.release();
            return;
        }
        policy.clientError(ctx.channel().remoteAddress(), "refused " + response.status());
        enqueue(false).complete(response);
    }

    /** A request's headers are read (by the aggregator): its body is now due. */
    void headersRead() {
        deadline.headersRead();
    }

    /** Whether requests read wait for their replies (the client is then waiting for this server). */
    boolean hasRepliesDue() {
        return !pending.isEmpty();
    }

    /** A slot for the next reply in request order; pauses reading when too many replies are outstanding. */
    private Reply enqueue(boolean keepAlive) {
        Reply r = new Reply(keepAlive);
        pending.addLast(r);
        if (!keepAlive) {
            closing = true;
            deadline.closing();
            pauseReading(); // HTTP/1.1: nothing after a Connection: close request is answered
        } else if (pending.size() >= policy.maxPipelined()) {
            policy.readPaused();
            pauseReading();
        }
        return r;
    }

    /** Writes every reply that is ready at the head of the queue; on the event loop. */
    private void writeReady() {
        boolean wrote = false;
        boolean open = ctx.channel().isActive();
        Reply head;
        while ((head = pending.peekFirst()) != null && head.response != null) {
            pending.pollFirst();
            FullHttpResponse r = head.response;
            head.response = null;
            if (!open) {
                r.release(); // the client went away: its replies have nowhere to go
                continue;
            }
            boolean keepAlive = head.keepAlive && !(inputShut && pending.isEmpty());
            HttpUtil.setKeepAlive(r, keepAlive);
            if (!keepAlive) {
                ctx.writeAndFlush(r).addListener(LingeringClose.INSTANCE);
                return;
            }
            ctx.write(r, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
            if (pending.isEmpty()) {
                deadline.repliesWritten();
            }
        }
        maybeResumeReading();
    }

    private void pauseReading() {
        if (!readPaused) {
            readPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void maybeResumeReading() {
        if (readPaused && !closing && pending.size() <= policy.maxPipelined() / 2 && ctx.channel().isWritable()) {
            readPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            maybeResumeReading();
        } else {
            // The client does not read its replies: stop taking requests until the socket drains.
            pauseReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        policy.connectionFailed(ctx.channel().remoteAddress(), cause, pending.size());
        ctx.close();
    }

    /**
     * One request's place in the reply order. Completed on whatever thread finished the work; the response is then
     * handed to the event loop, which writes replies strictly in request order. One object per request is the
     * completion callback, the hop and the queue slot.
     */
    private final class Reply implements BiConsumer<FullHttpResponse, Throwable>, Runnable {
        final boolean keepAlive;
        /** Set before the hop to the event loop (happens-before by the executor's queue); read there. */
        FullHttpResponse response;

        Reply(boolean keepAlive) {
            this.keepAlive = keepAlive;
        }

        @Override
        public void accept(FullHttpResponse r, Throwable error) {
            if (error != null || r == null) {
                policy.serviceFailed(error);
                r = HttpResponses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n");
            }
            complete(r);
        }

        void complete(FullHttpResponse r) {
            response = r;
            EventExecutor loop = ctx.executor();
            if (loop.inEventLoop()) {
                writeReady();
            } else {
                loop.execute(this);
            }
        }

        @Override
        public void run() {
            writeReady();
        }
    }
}
