package io.jgoim.comet.transport;

import io.jgoim.common.http.RequestFraming;
import io.jgoim.comet.config.OriginAllowList;
import io.jgoim.comet.limit.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket connection refused by a limit before its handshake, on a plain listener with
 * {@code webSocket.refusal: close-frame}: reads the upgrade request within {@code Listener.requestWaitNanos} of
 * accept (else a bare close), completes the upgrade (101, with no subprotocol: the listener negotiates none) and
 * sends the refusal's close frame ({@link RefusalReplies}: the code and the reason of the TCP refusal, ending in
 * {@code retry-after=<s>}), then ends the connection as {@link RefusedConnection} does: output shut, the client's
 * bytes discarded until it closes, at most {@link io.jgoim.common.http.LingeringClose#LINGER_MILLIS}. A browser reads
 * the code and reason in its close event, where an HTTP error to the upgrade would show it 1006. A request the listener
 * would not upgrade (not a valid upgrade, another path, an origin not allowed, a malformed or oversized request) gets
 * the HTTP refusal instead. Nothing of auth or session is made.
 *
 * <p>Refused at accept, it is the whole pipeline and reads the raw bytes: {@link UpgradeRequestScan} finds the end of
 * the request head and its key, the bytes gathered across reads only when the head comes in several (at most
 * {@link UpgradeRequestScan#MAX_HEAD_BYTES}), so a refused connection costs no HTTP codec or aggregator. Refused
 * after a PROXY header or an X-Forwarded-For header, behind the listener's HTTP codec, it takes the aggregated
 * {@link FullHttpRequest} instead. One instance per refused connection; event loop.
 */
final class RefusedUpgrade extends ChannelInboundHandlerAdapter {
    /** RFC 6455 4.2.2: the GUID the client's key is hashed with. */
    private static final byte[] ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_START = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** One SHA-1 digest per event loop thread, reset after each use. */
    private static final FastThreadLocal<MessageDigest> SHA1 = new FastThreadLocal<>() {
        @Override
        protected MessageDigest initialValue() {
            try {
                return MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-1", e);
            }
        }
    };

    /** What every refused upgrade of one listener shares. */
    record Listener(RefusalReplies replies, String path, byte[] pathBytes, OriginAllowList origins,
                    long requestWaitNanos) {
        Listener(RefusalReplies replies, String path, OriginAllowList origins, long requestWaitNanos) {
            this(replies, path, path.getBytes(StandardCharsets.ISO_8859_1), origins, requestWaitNanos);
        }
    }

    private final Listener listener;
    private final Refusal refusal;
    private final int acceptSeconds;
    private ScheduledFuture<?> deadline;
    private boolean done;
    /** The request head's bytes so far, when it came in several reads; null until then and once done. */
    private ByteBuf head;
    /** Where the next scan for the end of the head starts in {@link #head}. */
    private int scanFrom;

    /** @param acceptSeconds the seconds the node's bucket booked (for {@link Refusal#ACCEPT_RATE}; else unused) */
    RefusedUpgrade(Listener listener, Refusal refusal, int acceptSeconds) {
        this.listener = listener;
        this.refusal = refusal;
        this.acceptSeconds = acceptSeconds;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startDeadline(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startDeadline(ctx);
    }

    private void startDeadline(ChannelHandlerContext ctx) {
        if (deadline == null && !done) {
            deadline = ctx.executor().schedule(() -> {
                ctx.close();
            }, listener.requestWaitNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof ByteBuf) {
                read(ctx, (ByteBuf) msg);
            } else if (msg instanceof FullHttpRequest) {
                finish(ctx, acceptKey((FullHttpRequest) msg));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Raw bytes: the head's end and key scanned in place, the bytes gathered only while the head is incomplete. */
    private void read(ChannelHandlerContext ctx, ByteBuf in) {
        ByteBuf b = in;
        if (head != null) {
            int room = UpgradeRequestScan.MAX_HEAD_BYTES - head.readableBytes();
            head.writeBytes(in, Math.min(in.readableBytes(), room)); // past the bound it is refused as oversized
            b = head;
        }
        int start = b.readerIndex();
        int to = start + Math.min(b.readableBytes(), UpgradeRequestScan.MAX_HEAD_BYTES);
        int end = UpgradeRequestScan.endOfHead(b, Math.max(start, scanFrom), to);
        if (end >= 0) {
            String key = UpgradeRequestScan.upgradeKey(b, start, end, listener.pathBytes(), listener.origins());
            finish(ctx, key == null ? null : accept(key));
        } else if (to - start >= UpgradeRequestScan.MAX_HEAD_BYTES) {
            finish(ctx, null); // oversized: the HTTP refusal, as for a malformed request
        } else {
            if (head == null) {
                int max = UpgradeRequestScan.MAX_HEAD_BYTES;
                head = ctx.alloc().buffer(Math.min(max, Math.max(512, in.readableBytes() * 2)), max);
                head.writeBytes(in);
            }
            scanFrom = Math.max(head.readerIndex(), head.writerIndex() - 3); // a marker cut by the read
        }
    }

    private void finish(ChannelHandlerContext ctx, byte[] accept) {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        releaseHead();
        refuse(ctx, accept);
    }

    private void refuse(ChannelHandlerContext ctx, byte[] accept) {
        // From here on the client's bytes are WebSocket frames (or junk): no HTTP codec parses them, none reaches
        // the handlers after this one, and the raw replies go straight to the socket.
        ChannelPipeline p = ctx.pipeline();
        if (p.get(PipelineNames.HTTP_AGGREGATOR) != null) {
            p.remove(PipelineNames.HTTP_AGGREGATOR);
        }
        if (p.get(PipelineNames.HTTP) != null) {
            p.remove(PipelineNames.HTTP);
        }
        if (accept == null) {
            RefusedConnection.refuse(ctx, listener.replies().webSocket(refusal, acceptSeconds, false));
            return;
        }
        ByteBuf out = ctx.alloc().buffer(HEAD_START.length + accept.length + HEAD_END.length);
        out.writeBytes(HEAD_START).writeBytes(accept).writeBytes(HEAD_END);
        ctx.write(out);
        RefusedConnection.refuse(ctx, listener.replies().webSocket(refusal, acceptSeconds, true));
    }

    /**
     * The {@code Sec-WebSocket-Accept} of {@code req}, read by the listener's HTTP codec, when the listener would
     * upgrade it (the checks of {@link UpgradeRequestScan}); null otherwise.
     */
    private byte[] acceptKey(FullHttpRequest req) {
        HttpHeaders h = req.headers();
        String key = h.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        String origin = RequestFraming.originForm(req.uri());
        if (!req.decoderResult().isSuccess() || !HttpMethod.GET.equals(req.method())
                || !HttpVersion.HTTP_1_1.equals(req.protocolVersion()) || RequestFraming.problem(req) != null
                || !listener.path().equals(origin == null ? req.uri() : origin)
                || !h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || h.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION).size() != 1
                || !"13".equals(h.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))
                || key == null || h.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY).size() != 1
                || !UpgradeRequestCheck.isKey(key)
                || (h.get(HttpHeaderNames.ORIGIN) != null && !listener.origins().allows(h.get(HttpHeaderNames.ORIGIN)))) {
            return null;
        }
        return accept(key);
    }

    /** RFC 6455 4.2.2: base64(SHA-1(key + GUID)), as ASCII bytes. */
    static byte[] accept(String key) {
        MessageDigest sha1 = SHA1.get();
        sha1.reset();
        for (int i = 0; i < key.length(); i++) {
            sha1.update((byte) key.charAt(i));
        }
        return Base64.getEncoder().encode(sha1.digest(ACCEPT_GUID));
    }

    private void releaseHead() {
        if (head != null) {
            head.release();
            head = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHead();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        releaseHead();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
