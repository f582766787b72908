package io.jgoim.comet.session;

import com.google.protobuf.ByteString;
import io.jgoim.comet.limit.ClientIp;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtocolException;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.stream.AuthBody;
import io.jgoim.protocol.stream.StreamState;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Authenticates a new connection; this class holds the states of its handshake. The first frame must be op 7 within
 * {@code protocol.handshakeTimeout} of accept (so slow TLS and WebSocket handshakes count too). The auth is admitted
 * (ban, adaptive shedding) and takes a place among the comet's Connects to logic or waits for one, at most
 * {@code protocol.connectWait} ({@link AuthAdmission}, {@link ConnectAdmission}); its Connect then waits at most
 * {@code protocol.logicTimeout} while the event loop stays free ({@link LogicConnect}). An accepted session is
 * registered and answered op 8 — a position-aware one (auth ver 3: token, NUL, its last positions) after it was
 * resumed from history ({@link AuthAccepted}) — and this handler removes itself. Client frames that arrive meanwhile
 * are held and replayed after ({@link EarlyFrames}). Connects logic refuses as OVERLOADED close with OVERLOADED (4015).
 *
 * <p>Failures are not answered here: they are fired as {@link SessionCloseException} so
 * {@link SessionHandler#fail} writes the goodbye. One instance per channel; event loop only.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter implements Runnable, ConnectWait.Claimant,
        LogicConnect.Caller {
    /** WAITING for the auth frame, QUEUED for a place among the Connects to logic, then AUTHENTICATING… */
    private enum State { WAITING, QUEUED, AUTHENTICATING, RESUMING, DONE }

    private final SessionServices services;
    private final SessionHandler session;
    private final AuthAdmission admission;
    /** The connection's client address and its place in the address table; null in tests of the handlers alone. */
    private final ClientIp clientIp;
    private ChannelHandlerContext ctx;
    private State state = State.WAITING;
    private ScheduledFuture<?> deadline;
    /** The auth's Connect to logic, once sent. */
    private LogicConnect connect;
    /** Client frames that came before the auth reply (null: none). */
    private EarlyFrames early;
    private int authSeq;
    private short authVer;
    private List<StreamState> asked;
    /** The auth's token while it waits for a place. */
    private ByteString token;

    /** A handshake for a connection without a client address (tests of the handlers alone). */
    public HandshakeHandler(SessionServices services, SessionHandler session) {
        this(services, session, null);
    }

    /**
     * @param clientIp the connection's client address and place in the address table (set by the transport at
     *                 accept): released here if the connection ends before auth, else handed to the session
     */
    public HandshakeHandler(SessionServices services, SessionHandler session, ClientIp clientIp) {
        this.services = services;
        this.session = session;
        this.clientIp = clientIp;
        this.admission = new AuthAdmission(services);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startDeadline();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startDeadline();
        ctx.fireChannelActive();
    }

    private void startDeadline() {
        if (deadline == null && state != State.DONE) {
            deadline = ctx.executor().schedule(this, services.config().protocol().handshakeTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** The handshake deadline passed without a successful auth. */
    @Override
    public void run() {
        if (state != State.DONE && ctx.channel().isActive() && !ending(ctx.channel())) {
            admission.strike(null);
            fail(new SessionCloseException(ErrorCode.HANDSHAKE_TIMEOUT, CloseCode.HANDSHAKE_TIMEOUT, 0,
                    "no auth within " + services.config().protocol().handshakeTimeout()));
        }
    }

    /**
     * The connection is already ending: its output shut after a refusal before the upgrade (a lingering close waits
     * for the client to read it), so the deadline has nothing to say and no strike to count.
     */
    private static boolean ending(Channel ch) {
        return ch instanceof DuplexChannel && ((DuplexChannel) ch).isOutputShutdown();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Proto)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Proto p = (Proto) msg;
        switch (state) {
            case WAITING:
                services.metrics().frameIn(p.op());
                try {
                    if (p.op() != Op.AUTH) {
                        session.extended(extendedVersion(p.ver()));
                        fail(new SessionCloseException(ErrorCode.NOT_AUTHENTICATED, CloseCode.NOT_AUTHENTICATED,
                                p.seq(), "op " + p.op() + " before auth"));
                    } else {
                        authenticate(p);
                    }
                } finally {
                    p.release();
                }
                break;
            case QUEUED:
            case AUTHENTICATING:
            case RESUMING:
                if (early == null) {
                    early = new EarlyFrames(services.config().protocol().maxPendingFrames());
                }
                SessionCloseException overflow = early.hold(p);
                if (overflow != null) {
                    fail(overflow);
                }
                break;
            default:
                ReferenceCountUtil.release(p);
        }
    }

    private void authenticate(Proto p) {
        state = State.QUEUED;
        // The auth frame came within the handshake deadline: from here connectWait (for a place among the Connects to
        // logic) and then logicTimeout bound the wait (a deadline left running would close a session waiting for logic
        // with 4005, "no auth", once they outlast it).
        cancel(deadline);
        admission.strike(null);
        authSeq = p.seq();
        authVer = p.ver();
        session.extended(extendedVersion(authVer));
        ByteString token;
        if (authVer == PacketLayout.VERSION_POSITIONS) {
            // token NUL positions: logic sees the token alone, as it does for every other version.
            try {
                asked = AuthBody.positions(p.body());
            } catch (ProtocolException e) {
                fail(new SessionCloseException(e.errorCode(), e.closeCode(), authSeq, e.getMessage()));
                return;
            }
            token = ByteString.copyFrom(AuthBody.token(p.body()).nioBuffer());
        } else {
            token = ByteString.copyFrom(p.body().nioBuffer());
        }
        SessionCloseException refused = admission.admit(clientIp, authSeq);
        if (refused != null) {
            fail(refused);
            return;
        }
        this.token = token;
        ConnectWait place = admission.place(ctx.executor(), this);
        if (place == ConnectAdmission.PLACED) {
            placed();
        } else if (place == ConnectAdmission.REFUSED) {
            fail(admission.refusal(authSeq, 0));
        }
        // else it waits: placed() or notPlaced() comes on this event loop
    }

    /** The auth waited {@code waited} ns and no place among the Connects to logic came: refused, 4004. */
    @Override
    public void notPlaced(long waited) {
        admission.notPlaced();
        if (state == State.QUEUED) {
            fail(admission.refusal(authSeq, waited));
        }
    }

    /** A place among the Connects to logic is held for this auth: sends its Connect. */
    @Override
    public void placed() {
        if (state != State.QUEUED || !ctx.channel().isActive()) {
            admission.giveBack(); // closed or failed while it waited
            return;
        }
        admission.placed();
        state = State.AUTHENTICATING;
        ByteString token = this.token;
        this.token = null;
        connect = new LogicConnect(ctx, services, admission, this);
        connect.send(token, clientIp, authVer == PacketLayout.VERSION_POSITIONS, session.transportName(ctx));
    }

    /** Logic did not answer the Connect within {@code protocol.logicTimeout}. */
    @Override
    public void connectTimedOut() {
        if (state == State.AUTHENTICATING) {
            services.metrics().admission().authFailed();
            fail(new SessionCloseException(ErrorCode.TIMEOUT, CloseCode.LOGIC_UNAVAILABLE, authSeq,
                    "logic did not answer Connect within " + services.config().protocol().logicTimeout()));
        }
    }

    /** Logic answered the Connect: registers the session and answers the auth, or fails it. */
    @Override
    public void connected(ConnectReply reply, Throwable error) {
        if (state != State.AUTHENTICATING || !ctx.channel().isActive()) {
            // Timed out or gone meanwhile: undo logic's route if it accepted.
            if (error == null && reply != null && reply.getErrorCode() == 0) {
                session.disconnectFromLogic(reply.getMid(), reply.getKey());
            }
            return;
        }
        SessionCloseException refused = admission.verdict(reply, error, authSeq);
        if (refused != null) {
            fail(refused);
            return;
        }
        if (services.draining().getAsBoolean()) {
            session.disconnectFromLogic(reply.getMid(), reply.getKey());
            fail(new SessionCloseException(ErrorCode.UNAVAILABLE, CloseCode.SHUTDOWN, authSeq,
                    "comet is shutting down"));
            return;
        }
        state = State.DONE;
        cancel(deadline);
        // Register first, then reply, in this one event-loop task: pushes reach a session only through tasks on
        // this loop, so none can overtake the reply, and a client that saw the reply is already in its room.
        boolean positions = authVer == PacketLayout.VERSION_POSITIONS;
        String key = AuthAccepted.register(ctx, services, session, reply, positions, clientIp);
        if (positions) {
            // Client frames stay held until the positions reply and the missed messages went out.
            state = State.RESUMING;
            AuthAccepted.resume(ctx, services, session, reply, asked, authSeq, key).whenComplete((v, e) -> resumed(e));
            return;
        }
        AuthAccepted.reply(ctx, services, reply, authVer, authSeq, key);
        finish();
    }

    /** On the event loop: the position-aware session was resumed ({@code e}: history too slow or failing, 4013). */
    private void resumed(Throwable e) {
        if (state != State.RESUMING || !ctx.channel().isActive()) {
            return;
        }
        if (e != null) {
            fail(new SessionCloseException(ErrorCode.HISTORY_UNAVAILABLE, CloseCode.RESUME, authSeq,
                    "resume failed: " + Failures.unwrap(e).getMessage()));
            return;
        }
        state = State.DONE;
        finish();
    }

    /**
     * The auth is answered: hands the channel to the session handler with the frames that came meanwhile, then the
     * session handler leaves the pipeline for its codec ({@link SessionHandler#leavePipeline}).
     */
    private void finish() {
        ctx.pipeline().remove(this);
        EarlyFrames held = early;
        early = null;
        if (held != null) {
            held.replay(ctx);
        }
        session.leavePipeline(ctx.channel());
    }

    /**
     * A codec refused the first frame: when its header was read whole, its ver decides whether the client gets an
     * error reply, as the ver of a first frame that decoded does (a ver-2 auth with an empty body is refused by the
     * codec before this handler could see its ver).
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.WAITING && cause instanceof ProtocolException
                && extendedVersion(((ProtocolException) cause).ver())) {
            session.extended(true);
        }
        ctx.fireExceptionCaught(cause);
    }

    /** Ver 2 and ver 3 clients understand the extension ops (error replies, DISCONNECT). */
    private static boolean extendedVersion(int ver) {
        return ver == PacketLayout.VERSION_EXTENDED || ver == PacketLayout.VERSION_POSITIONS;
    }

    private void fail(SessionCloseException e) {
        end();
        if (!services.draining().getAsBoolean()) {
            admission.onClose(clientIp); // its strike now (see AuthAdmission#onClose)
        }
        ctx.fireExceptionCaught(e);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!services.draining().getAsBoolean()) {
            admission.onClose(clientIp);
        }
        admission.cancelWait();
        if (clientIp != null) {
            // Before the session had it; after, the session releases the place (handOver left none here).
            clientIp.release();
        }
        end();
        ctx.fireChannelInactive();
    }

    /** The handshake failed or the channel closed: its deadlines stop and the held frames are released. */
    private void end() {
        state = State.DONE;
        cancel(deadline);
        if (connect != null) {
            connect.cancel();
        }
        if (early != null) {
            early.release();
            early = null;
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
