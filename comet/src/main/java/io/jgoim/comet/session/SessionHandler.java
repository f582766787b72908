package io.jgoim.comet.session;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometConfig;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.comet.room.Room;
import io.jgoim.comet.transport.PipelineNames;
import io.jgoim.comet.transport.WsSessionCodec;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtocolException;
import io.jgoim.protocol.rpc.comet.Proto.Builder;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The session after auth: heartbeats (reply with the room's online count, idle eviction, throttled refresh of the
 * route in logic), room changes, watched ops, upstream messages to logic, the slow-consumer policy and the close.
 * It is the last handler of both transports' pipelines and the one place that maps a failure to a close code:
 * {@link #exceptionCaught} writes the goodbye (an error reply and a disconnect frame for extended TCP clients, a close
 * frame for WebSocket) and closes.
 *
 * <p>One instance per channel; every method runs on the channel's event loop.
 */
public final class SessionHandler extends ChannelInboundHandlerAdapter implements Session.Closer {
    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);
    /** Longest room id accepted by op 12, in bytes. */
    static final int MAX_ROOM_ID_BYTES = 256;

    private final SessionServices services;
    // Fields kept narrow: one instance lives as long as each connection (idle ones included).
    private final boolean webSocket;
    private ChannelHandlerContext ctx;
    private Session session;
    private boolean extended;
    private boolean webSocketOpen;
    private boolean closing;
    private boolean pendingFlush;
    private int idleTimeoutMillis;
    private long lastReadNanos;
    private long lastRefreshNanos;
    private long unwritableSinceNanos;
    private int upstreamInFlight;
    private ScheduledFuture<?> slowCheck;

    public SessionHandler(SessionServices services, Session.Transport transport) {
        this.services = services;
        this.webSocket = transport == Session.Transport.WEBSOCKET;
    }

    /** The authenticated session, or null before auth. */
    public Session session() {
        return session;
    }

    void extended(boolean extended) {
        this.extended = extended;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Called by the handshake once logic accepted the token: registers the session and starts its timers. */
    void activate(long memberId, String key, String roomId, int[] accepts, long heartbeatSeconds, int loopIndex) {
        CometConfig.ProtocolConfig pc = services.config().protocol();
        session = new Session(ctx.channel(), transport(), memberId, key, extended, loopIndex,
                services.config().outbound().ringSize(), services.metrics(), this);
        if (accepts.length > 0) {
            session.watch(accepts);
        }
        long interval = heartbeatSeconds > 0 ? TimeUnit.SECONDS.toNanos(heartbeatSeconds)
                : pc.heartbeatInterval().toNanos();
        idleTimeoutMillis = (int) Math.min(Integer.MAX_VALUE,
                TimeUnit.NANOSECONDS.toMillis(interval) * pc.heartbeatMaxMisses());
        lastReadNanos = now();
        lastRefreshNanos = lastReadNanos;
        services.metrics().sessionOpened(webSocket);
        Session replaced = services.buckets().put(session);
        services.loops().sessions(loopIndex).add(session);
        if (!roomId.isEmpty()) {
            services.buckets().join(session, roomId);
        }
        if (replaced != null && replaced != session) {
            replaced.close(CloseCode.REPLACED);
        }
        services.loops().idleSweeper(loopIndex).due(idleDeadlineNanos());
        if (!ctx.channel().isWritable()) {
            channelWritabilityChanged(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Proto)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Proto p = (Proto) msg;
        try {
            if (session == null || closing) {
                return;
            }
            lastReadNanos = now();
            services.metrics().frameIn(p.op());
            switch (p.op()) {
                case Op.HEARTBEAT:
                    heartbeat(p);
                    break;
                case Op.CHANGE_ROOM:
                    changeRoom(p);
                    break;
                case Op.SUB:
                case Op.UNSUB:
                    watch(p);
                    break;
                case Op.SEND_MSG:
                    upstream(p);
                    break;
                default:
                    if (p.op() >= Op.BUSINESS_MIN) {
                        upstream(p);
                    } else {
                        exceptionCaught(ctx, new SessionCloseException(ErrorCode.UNKNOWN_OP,
                                CloseCode.PROTOCOL_ERROR, p.seq(), "op " + p.op() + " not allowed after auth"));
                    }
            }
        } finally {
            p.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pendingFlush) {
            pendingFlush = false;
            ctx.flush();
        }
    }

    private void reply(Proto p) {
        services.metrics().frameOut(p.op());
        ctx.write(p, ctx.voidPromise());
        pendingFlush = true;
    }

    private void heartbeat(Proto p) {
        Room room = session.room();
        // Encoded straight into one pooled buffer: the most frequent reply skips the Proto and the encoder.
        ByteBuf out = ctx.alloc().ioBuffer(PacketLayout.HEADER_LENGTH + 4);
        ProtoCodec.writeHeader(out, 4, p.ver(), Op.HEARTBEAT_REPLY, p.seq());
        out.writeInt(room == null ? 0 : room.heartbeatOnline());
        services.metrics().frameOut(Op.HEARTBEAT_REPLY);
        ctx.write(webSocket ? new BinaryWebSocketFrame(out) : out, ctx.voidPromise());
        pendingFlush = true;
        if (lastReadNanos - lastRefreshNanos >= refreshNanos()) {
            lastRefreshNanos = lastReadNanos;
            HeartbeatReq req = HeartbeatReq.newBuilder().setMid(session.memberId()).setKey(session.key())
                    .setServer(services.serverId()).build();
            services.logic().heartbeat(req).whenComplete((r, e) -> {
                if (e != null && log.isDebugEnabled()) {
                    log.debug("logic heartbeat for {} failed: {}", session.key(), e.toString());
                }
            });
        }
    }

    private void changeRoom(Proto p) {
        ByteBuf body = p.body();
        int len = body.readableBytes();
        String roomId = len == 0 ? "" : body.toString(body.readerIndex(), len, StandardCharsets.UTF_8);
        if (len > MAX_ROOM_ID_BYTES || hasControlChars(roomId)) {
            replyError(p, ErrorCode.BAD_ROOM, "room id must be 1-" + MAX_ROOM_ID_BYTES + " printable bytes");
            return;
        }
        if (roomId.isEmpty()) {
            services.buckets().leave(session);
        } else {
            Room current = session.room();
            if (current == null || !current.id().equals(roomId)) {
                services.buckets().join(session, roomId);
            }
        }
        reply(Proto.newInstance(p.ver(), Op.CHANGE_ROOM_REPLY, p.seq(), body.retain()));
    }

    private void watch(Proto p) {
        int[] ops = OpList.parse(p.body());
        if (ops == null) {
            replyError(p, ErrorCode.BAD_OPS, "op list must be comma-separated integers");
            return;
        }
        if (p.op() == Op.SUB) {
            session.watch(ops);
        } else {
            session.unwatch(ops);
        }
        reply(Proto.newInstance(p.ver(), p.op() + 1, p.seq(), p.body().retain()));
    }

    private void upstream(Proto p) {
        if (upstreamInFlight >= services.config().protocol().maxInflightUpstream()) {
            services.metrics().dropped(DropReason.UPSTREAM_OVERFLOW);
            if (extended) {
                reply(Frames.errorReply(ctx.alloc(), p.seq(), ErrorCode.RATE_LIMITED,
                        "too many upstream messages waiting for logic"));
            }
            return;
        }
        upstreamInFlight++;
        final int ver = p.ver();
        final int op = p.op();
        final int seq = p.seq();
        Builder proto = io.jgoim.protocol.rpc.comet.Proto.newBuilder().setVer(ver).setOp(op).setSeq(seq)
                .setBody(ByteString.copyFrom(p.body().nioBuffer()));
        ReceiveReq req = ReceiveReq.newBuilder().setMid(session.memberId()).setKey(session.key())
                .setServer(services.serverId()).setProto(proto).build();
        CompletableFuture<ReceiveReply> receive;
        try {
            receive = services.logic().receive(req);
        } catch (RuntimeException e) {
            receive = CompletableFuture.failedFuture(e);
        }
        receive.whenComplete((r, e) -> runOnLoop(() -> {
            upstreamInFlight--;
            if (closing || !ctx.channel().isActive()) {
                return;
            }
            if (e != null && extended) {
                Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                ErrorCode code = t instanceof JgoimException ? ((JgoimException) t).code() : ErrorCode.UNAVAILABLE;
                services.metrics().frameOut(Op.ERROR_REPLY);
                ctx.writeAndFlush(Frames.errorReply(ctx.alloc(), seq, code, String.valueOf(t.getMessage())),
                        ctx.voidPromise());
                return;
            }
            // goim answers an upstream message with the same op and seq and an empty body.
            services.metrics().frameOut(op);
            ctx.writeAndFlush(Frames.empty(ver, op, seq), ctx.voidPromise());
        }));
    }

    private void runOnLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            try {
                ctx.executor().execute(task);
            } catch (RejectedExecutionException e) {
                // the comet is shutting down; the channel goes with its event loop
            }
        }
    }

    /** A request failed without ending the session: extended clients get an error reply, goim clients goim's echo. */
    private void replyError(Proto p, ErrorCode code, String message) {
        if (extended) {
            reply(Frames.errorReply(ctx.alloc(), p.seq(), code, message));
        } else {
            reply(Proto.newInstance(p.ver(), p.op() + 1, p.seq(), p.body().retain()));
        }
    }

    /** Read by the loop's idle sweeper, which replaces a timer per session. */
    @Override
    public long idleDeadlineNanos() {
        return closing ? Long.MAX_VALUE : lastReadNanos + TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
    }

    @Override
    public void expireIdle(long nowNanos) {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        exceptionCaught(ctx, new SessionCloseException(ErrorCode.TIMEOUT, CloseCode.HEARTBEAT_TIMEOUT, 0,
                "no frame for " + TimeUnit.NANOSECONDS.toMillis(nowNanos - lastReadNanos) + " ms"));
    }

    /** Slow-consumer policy: a session that stays over its outbound bound for slowCloseAfter is closed as SLOW. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            unwritableSinceNanos = 0;
        } else if (unwritableSinceNanos == 0 && session != null) {
            unwritableSinceNanos = now();
            if (slowCheck == null || slowCheck.isDone()) {
                slowCheck = ctx.executor().schedule(this::checkSlow,
                        services.config().outbound().slowCloseAfter().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void checkSlow() {
        if (closing || unwritableSinceNanos == 0 || !ctx.channel().isActive()) {
            return;
        }
        long limit = services.config().outbound().slowCloseAfter().toNanos();
        long over = now() - unwritableSinceNanos;
        if (over >= limit) {
            exceptionCaught(ctx, new SessionCloseException(ErrorCode.SLOW_CONSUMER, CloseCode.SLOW, 0,
                    "over the outbound bound for " + TimeUnit.NANOSECONDS.toMillis(over) + " ms"));
        } else {
            slowCheck = ctx.executor().schedule(this::checkSlow, limit - over, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            webSocketOpen = true;
            if (ctx.pipeline().get(PipelineNames.WS_NOT_FOUND) != null) {
                ctx.pipeline().remove(PipelineNames.WS_NOT_FOUND);
            }
            ChannelHandler codec = ctx.pipeline().get(PipelineNames.WS_CODEC);
            if (codec instanceof WsSessionCodec) {
                ((WsSessionCodec) codec).upgraded(ctx, PipelineNames.WS_PROTOCOL);
            }
        }
        ReferenceCountUtil.release(evt);
    }

    /** Closes the session with {@code code} (replaced, kicked, shutdown). Event loop only. */
    @Override
    public void close(CloseCode code) {
        closeWith(code, null, 0, code.reason());
    }

    /**
     * The one place that maps a failure to a close code: protocol violations from the codecs, session outcomes
     * (handshake, timeouts, slow consumer), TLS failures, peer resets and bugs.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = cause;
        if (t instanceof io.netty.handler.codec.DecoderException && t.getCause() != null
                && !(t instanceof ProtocolException)) {
            t = t.getCause();
        }
        if (t instanceof SessionCloseException) {
            SessionCloseException e = (SessionCloseException) t;
            if (log.isDebugEnabled()) {
                log.debug("{} closing {}: {}", ctx.channel(), e.closeCode(), e.getMessage());
            }
            closeWith(e.closeCode(), e.code(), e.seq(), e.getMessage());
        } else if (t instanceof ProtocolException) {
            ProtocolException e = (ProtocolException) t;
            log.debug("{} bad frame: {}", ctx.channel(), e.getMessage());
            closeWith(e.closeCode(), e.errorCode(), 0, e.getMessage());
        } else if (t instanceof TooLongFrameException) {
            log.debug("{} frame too large: {}", ctx.channel(), t.getMessage());
            closeWith(CloseCode.FRAME_TOO_LARGE, ErrorCode.BODY_TOO_LARGE, 0, t.getMessage());
        } else if (t instanceof CorruptedWebSocketFrameException) {
            log.debug("{} bad WebSocket frame: {}", ctx.channel(), t.getMessage());
            String m = String.valueOf(t.getMessage());
            boolean tooLarge = m.contains("Max frame length");
            closeWith(tooLarge ? CloseCode.FRAME_TOO_LARGE : CloseCode.PROTOCOL_ERROR,
                    tooLarge ? ErrorCode.BODY_TOO_LARGE : ErrorCode.BAD_PACKET, 0, m);
        } else if (t instanceof NotSslRecordException || t instanceof SSLException) {
            log.debug("{} TLS failure: {}", ctx.channel(), t.toString());
            closeWith(CloseCode.PROTOCOL_ERROR, null, 0, "TLS failure");
        } else if (t instanceof IOException) {
            log.debug("{} I/O error: {}", ctx.channel(), t.toString());
            ctx.close();
        } else {
            log.error("{} unexpected error; closing", ctx.channel(), t);
            closeWith(CloseCode.INTERNAL, ErrorCode.INTERNAL, 0, "internal error");
        }
    }

    private void closeWith(CloseCode code, ErrorCode error, int seq, String message) {
        if (closing) {
            return;
        }
        closing = true;
        services.metrics().closed(code);
        Goodbye.send(ctx, transport(), webSocketOpen, extended, code, error, seq, message, services.metrics());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (slowCheck != null) {
            slowCheck.cancel(false);
        }
        Session s = session;
        if (s != null) {
            boolean current = services.buckets().remove(s);
            services.buckets().leave(s);
            services.loops().sessions(s.loopIndex()).remove(s);
            s.discardRing();
            services.metrics().sessionClosed(webSocket);
            if (current) {
                // A session replaced by a newer one with its key leaves the route alone: it belongs to the newer.
                disconnectFromLogic(s.memberId(), s.key());
            }
        }
        ctx.fireChannelInactive();
    }

    /** Tells logic the session is gone (fire and forget; logic's route TTL covers a lost call). */
    void disconnectFromLogic(long memberId, String key) {
        DisconnectReq req = DisconnectReq.newBuilder().setMid(memberId).setKey(key).setServer(services.serverId())
                .build();
        services.logic().disconnect(req).whenComplete((r, e) -> {
            if (e != null && log.isDebugEnabled()) {
                log.debug("logic disconnect for {} failed: {}", key, e.toString());
            }
        });
    }

    private Session.Transport transport() {
        return webSocket ? Session.Transport.WEBSOCKET : Session.Transport.TCP;
    }

    /**
     * Least time between two route refreshes in logic: sessionRefreshInterval plus a jitter of up to a quarter
     * drawn from the key, so the sessions of a reconnect storm spread out (derived, so no field per session).
     */
    private long refreshNanos() {
        long refresh = services.config().protocol().sessionRefreshInterval().toNanos();
        long h = session.key().hashCode() * 0x9E3779B97F4A7C15L;
        return refresh + Math.floorMod(h ^ (h >>> 32), refresh / 4 + 1);
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private static boolean hasControlChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x20 || s.charAt(i) == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
