package io.jgoim.comet.session;

import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionCloser;
import io.jgoim.comet.stream.StreamDelivery;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.FrameReceiver;
import io.jgoim.protocol.Proto;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;

import static io.jgoim.comet.session.SessionFlags.CLOSING;
import static io.jgoim.comet.session.SessionFlags.EXTENDED;
import static io.jgoim.comet.session.SessionFlags.PENDING_FLUSH;
import static io.jgoim.comet.session.SessionFlags.SLOW_CHECK;
import static io.jgoim.comet.session.SessionFlags.WEB_SOCKET;
import static io.jgoim.comet.session.SessionFlags.WS_OPEN;

/**
 * The session after auth: keeps the session's few per-connection fields, hands each frame the client sends to
 * {@link OpDispatch} (heartbeat, room change, watch, upstream, ...) and the connection's events to the collaborators
 * that act on them. The work itself is done by comet-wide collaborators that hold no per-session state: those in
 * {@link SessionServices} ({@link OpDispatch}, {@link SlowConsumerPolicy}, {@link Goodbye}, ...) and the static
 * {@link SessionRegistration} (into and out of the index), {@link SessionFailures} (a failure turned into a close:
 * {@link #fail}, reached from {@link #exceptionCaught} before auth, from {@link #failed} after, applies the
 * {@link CloseOutcome} table and writes the goodbye), {@link SlowConsumerClock} and {@link CodecHandOver}. So the
 * handler is one object per connection, and only the fields: its own (the session, the flags, the last read) and,
 * in its superclass {@link SessionLimits}, those the limits are checked against (token lifetime, rate states, idle
 * timeout, upstream in flight, slow-consumer clock, address slot).
 *
 * <p>Until the auth is answered it is the pipeline's last handler; then it leaves the pipeline and the codec in front
 * of it calls it directly as its {@link FrameReceiver} ({@link #leavePipeline}): one pipeline context less per idle
 * session. So it writes and closes through the channel (the pipeline's tail, then the codec), never through a
 * context, and keeps no context: the channel is the session's.
 *
 * <p>One instance per channel; every method runs on the channel's event loop.
 */
public final class SessionHandler extends SessionLimits implements SessionCloser, FrameReceiver {
    private final SessionServices services;
    // Fields kept narrow: one instance lives as long as each connection (idle ones included).
    private Session session;
    // The session's yes/no states in one byte (SessionFlags), not six booleans: with the kid as a char
    // this keeps the object at 96 B under ZGC (the booleans took it to 104). The transport is a flag, not the
    // SessionTransport reference (8 B without compressed oops, as under ZGC); transport() turns it back.
    private byte flags;
    private long lastReadNanos;

    public SessionHandler(SessionServices services, SessionTransport transport) {
        this.services = services;
        flag(WEB_SOCKET, transport.isWebSocket());
    }

    /** The authenticated session, or null before auth. */
    public Session session() {
        return session;
    }

    void extended(boolean extended) {
        flag(EXTENDED, extended);
    }

    boolean isExtended() {
        return is(EXTENDED);
    }

    /** How the client is connected, as logic's Connect names it: tcp, tcp-tls, ws or wss. */
    String transportName(ChannelHandlerContext ctx) {
        boolean tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
        return is(WEB_SOCKET) ? (tls ? "wss" : "ws") : (tls ? "tcp-tls" : "tcp");
    }

    /** The token's expiry and ids, from Connect (before {@link #activate}) or Refresh ({@link SessionLimits}). */
    void credentials(Channel ch, long expiresAtMs, String jti, String kid) {
        credentials(now(ch), expiresAtMs, jti, kid);
    }

    /**
     * Called by the handshake once logic accepted the token: registers the session and starts its timers. A
     * {@code positionAware} session (auth ver 3) gets its {@link StreamDelivery}. {@code ipSlot}: the client
     * address's place in the address table, released by this handler from now on (-1: none).
     */
    void activate(Channel ch, long memberId, String key, String roomId, int[] accepts, long heartbeatSeconds,
                  int loopIndex, boolean positionAware, String tenant, int ipSlot) {
        StreamDelivery streams = positionAware ? services.streamDelivery(ch, transport(), this::close,
                key, op -> session.needPush(op)) : null;
        session = new Session(ch, transport(), memberId, key, is(EXTENDED), loopIndex,
                services.config().outbound().ringSize(), services.metrics(), this, streams);
        session.tenant(tenant);
        if (accepts.length > 0) {
            session.watch(accepts);
        }
        lastReadNanos = now(ch);
        startLimits(services.config().protocol(), heartbeatSeconds, lastReadNanos, ipSlot);
        SessionRegistration.register(this, session, roomId);
        if (!ch.isWritable()) {
            writabilityChanged();
        }
    }

    /**
     * The auth is answered and the pipeline stops changing: hands this handler to the codec in front of it and
     * leaves the pipeline ({@link CodecHandOver}), so an idle session holds one pipeline context less.
     */
    void leavePipeline(Channel ch) {
        if (!is(CLOSING) && session != null) {
            CodecHandOver.leavePipeline(ch, this);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Proto) {
            frameRead((Proto) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Reads frame {@code p} (owned here) of the open session; {@link OpDispatch} answers its op. */
    @Override
    public void frameRead(Proto p) {
        try {
            if (session == null || is(CLOSING)) {
                return;
            }
            lastReadNanos = now(session.channel());
            services.dispatch().frameRead(this, session, p, lastReadNanos);
        } finally {
            p.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readComplete();
    }

    @Override
    public void readComplete() {
        if (is(PENDING_FLUSH)) {
            flag(PENDING_FLUSH, false);
            session.channel().flush();
        }
    }

    /** Writes a reply; flushed at the end of the read. */
    void reply(Proto p) {
        services.metrics().frameOut(p.op());
        Channel ch = session.channel();
        ch.write(p, ch.voidPromise());
        flushAtReadEnd();
    }

    /** Something was written in this read pass without a flush: {@link #readComplete} flushes it. */
    void flushAtReadEnd() {
        flag(PENDING_FLUSH, true);
    }

    /** Logic answered an upstream message; true when the answer should still be written. */
    boolean upstreamDone() {
        upstreamAnswered();
        return !is(CLOSING);
    }

    /** Read by the loop's idle sweeper, which replaces a timer per session: silence or the token's expiry. */
    @Override
    public long idleDeadlineNanos() {
        return is(CLOSING) ? Long.MAX_VALUE : deadlineAfter(lastReadNanos);
    }

    @Override
    public void expireIdle(long nowNanos) {
        Channel ch = session.channel();
        if (is(CLOSING) || !ch.isActive()) {
            return;
        }
        SessionFailures.expire(this, ch, expiresNanos(), lastReadNanos, nowNanos);
    }

    /** Starts the slow-consumer clock when the session goes over its outbound bound ({@link SlowConsumerPolicy}). */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void writabilityChanged() {
        SlowConsumerClock.writabilityChanged(this);
    }

    /** The WebSocket upgrade completed (the transport's codec took over first): close frames can go out now. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            flag(WS_OPEN, true);
        }
        ReferenceCountUtil.release(evt);
    }

    /** Closes the session with {@code code} (replaced, kicked, shutdown). Event loop only. */
    @Override
    public void close(CloseCode code) {
        closeWith(session.channel(), code, null, 0, code.reason());
    }

    /** Closes the session with {@code code}, an extended client learning {@code error} first. Event loop only. */
    @Override
    public void close(CloseCode code, ErrorCode error, String message) {
        closeWith(session.channel(), code, error, 0, message);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx.channel(), cause);
    }

    @Override
    public void failed(Throwable cause) {
        fail(session.channel(), cause);
    }

    /** The one place that turns a failure into a close, by the {@link CloseOutcome} table. */
    void fail(Channel ch, Throwable cause) {
        SessionFailures.fail(this, ch, cause);
    }

    private void closeWith(Channel ch, CloseCode code, ErrorCode error, int seq, String message) {
        SessionFailures.close(this, ch, code, error, seq, message);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive();
        ctx.fireChannelInactive();
    }

    @Override
    public void inactive() {
        SessionRegistration.unregister(this);
    }

    /** Tells logic the session is gone (queued, flow-controlled and retried: {@link LogicDisconnects}). */
    void disconnectFromLogic(long memberId, String key) {
        SessionRegistration.disconnectFromLogic(services, memberId, key);
    }

    // The state SessionFailures, SessionRegistration and SlowConsumerClock read and change; event loop only.
    SessionServices services() {
        return services;
    }

    boolean isClosing() {
        return is(CLOSING);
    }

    /** Nothing more is read or answered from now on. */
    void closing() {
        flag(CLOSING, true);
    }

    boolean isWebSocket() {
        return is(WEB_SOCKET);
    }

    boolean isWebSocketOpen() {
        return is(WS_OPEN);
    }

    boolean slowCheckScheduled() {
        return is(SLOW_CHECK);
    }

    void slowCheckScheduled(boolean on) {
        flag(SLOW_CHECK, on);
    }

    private boolean is(int flag) {
        return SessionFlags.is(flags, flag);
    }

    private void flag(int flag, boolean on) {
        flags = SessionFlags.with(flags, flag, on);
    }

    static long now(Channel ch) {
        return ch.eventLoop().ticker().nanoTime();
    }

    SessionTransport transport() {
        return SessionTransport.of(is(WEB_SOCKET));
    }
}
