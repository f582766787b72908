package io.jgoim.logic.backend;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.ConnectException;
import java.util.Arrays;

/**
 * Reads one backend connection's replies, one exchange at a time (HTTP/1.1 without pipelining): the status, then the
 * body into one array of at most {@code maxReplyBytes} (a reply announcing or sending more fails with BODY_TOO_LARGE
 * and its connection is closed, read no further). A complete reply on a keep-alive connection goes back to the
 * pool; otherwise the connection is closed. When the connection ends, the pool hears of it together with the
 * exchange it carried. One instance per channel, used on its event loop only.
 */
final class BackendResponseHandler extends ChannelInboundHandlerAdapter {
    private static final byte[] EMPTY = new byte[0];
    private final BackendPool pool;
    private final int maxReplyBytes;
    private BackendExchange current;
    private boolean replyStarted;
    private boolean informational;
    private int status;
    private boolean keepAlive;
    private byte[] body = EMPTY;
    private int size;
    private Throwable cause;

    BackendResponseHandler(BackendPool pool, int maxReplyBytes) {
        this.pool = pool;
        this.maxReplyBytes = maxReplyBytes;
    }

    void begin(BackendExchange exchange) {
        this.current = exchange;
        this.replyStarted = false;
        this.informational = false;
        this.body = EMPTY;
        this.size = 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (current == null || !(msg instanceof HttpObject o)) {
                ctx.close(); // nothing was asked: a backend talking out of turn cannot be trusted with the next one
                return;
            }
            if (o.decoderResult().isFailure()) {
                fail(ctx, new JgoimException(ErrorCode.UNAVAILABLE, "backend sent a malformed reply: "
                        + o.decoderResult().cause().getMessage()));
                return;
            }
            if (msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                informational = true; // 100 Continue and the like: the real reply follows
                return;
            }
            if (informational) {
                informational = !(msg instanceof LastHttpContent); // the interim reply's end
                return;
            }
            if (msg instanceof HttpResponse r) {
                replyStarted = true;
                status = r.status().code();
                keepAlive = HttpUtil.isKeepAlive(r);
                long announced = HttpUtil.getContentLength(r, -1L);
                if (announced > maxReplyBytes) {
                    fail(ctx, tooLarge());
                    return;
                }
                body = announced > 0 ? new byte[(int) announced] : EMPTY;
            }
            if (msg instanceof HttpContent c && !append(ctx, c.content())) {
                return;
            }
            if (msg instanceof LastHttpContent) {
                BackendExchange done = current;
                current = null;
                byte[] bytes = size == body.length ? body : Arrays.copyOf(body, size);
                body = EMPTY;
                boolean reusable = keepAlive && ctx.channel().isActive() && !done.isDone();
                done.complete(new BackendReply(status, bytes));
                if (reusable) {
                    pool.release(ctx.channel());
                } else {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private boolean append(ChannelHandlerContext ctx, ByteBuf content) {
        int n = content.readableBytes();
        if (n == 0) {
            return true;
        }
        if (size + n > maxReplyBytes) {
            fail(ctx, tooLarge());
            return false;
        }
        if (size + n > body.length) {
            body = Arrays.copyOf(body, Math.min(maxReplyBytes, Math.max(size + n, Math.max(256, body.length * 2))));
        }
        content.readBytes(body, size, n);
        size += n;
        return true;
    }

    private JgoimException tooLarge() {
        return new JgoimException(ErrorCode.BODY_TOO_LARGE, "backend reply is larger than " + maxReplyBytes
                + " bytes");
    }

    private void fail(ChannelHandlerContext ctx, JgoimException e) {
        BackendExchange ex = current;
        current = null;
        body = EMPTY;
        if (ex != null) {
            ex.fail(e);
        }
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
        cause = t; // reset by peer, TLS failure...: the connection is done; channelInactive reports it
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        BackendExchange ex = current;
        current = null;
        body = EMPTY;
        BackendExchange stale = null;
        if (ex != null && !ex.isDone()) {
            if (!replyStarted && ex.replaceStale()) {
                stale = ex;
            } else {
                ex.fail(new JgoimException(ErrorCode.UNAVAILABLE, replyStarted
                        ? "backend closed the connection in the middle of its reply"
                        : "backend closed the connection before answering" + (cause == null ? ""
                        : ": " + (cause instanceof ConnectException ? "refused" : cause.toString()))));
            }
        }
        pool.closed(ctx.channel(), stale);
        ctx.fireChannelInactive();
    }
}
