package io.jgoim.comet.session;

import io.jgoim.comet.limit.BanReason;
import io.jgoim.comet.limit.ClientIp;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * The admission of a new connection's auth, and what its end counts toward its address's ban. Whether one auth may go
 * on to logic is checked in order before its token leaves the comet: the client's address is
 * not banned (a ban that began after the connection was accepted) and the comet's adaptive shedding lets it pass
 * ({@link AuthShedding}) — {@link #admit}; then it takes a place among the Connects sent to logic, or waits for one
 * ({@link ConnectAdmission}) — {@link #place}. An admitted auth holds a shedding pass (and, once placed, its place)
 * until {@link #done}, {@link #giveBack}, {@link #notPlaced} or {@link #onClose}.
 * The per-IP limits of the accept itself are applied before this, when the connection opened ({@code comet.limit}).
 *
 * <p>One instance per channel (it holds the auth's shedding pass), owned by its {@link HandshakeHandler}: event
 * loop only, but {@link #done} may run on the thread that completed the Connect.
 */
final class AuthAdmission {
    private final SessionServices services;
    private long shedPass = AuthShedding.REJECTED;
    /** The auth's wait for a place, while it waits (null: not waiting). */
    private ConnectWait wait;
    /**
     * What a close before the auth is done counts toward the address's ban: a flap while no auth frame came (the
     * client connected and left, or broke the protocol), an auth failure when logic refused the token, nothing
     * (null) once the client sent its auth and waits (a slow comet or logic is not its fault) or when the comet
     * refused for a reason of its own, or closed it at the handshake deadline.
     */
    private BanReason strike = BanReason.FLAPS;

    AuthAdmission(SessionServices services) {
        this.services = services;
    }

    /**
     * Admits the auth with sequence {@code seq} from {@code ip} (null: not known), or returns why not as the close to
     * fire (counted where its kind is counted); nothing is held after a refusal.
     */
    SessionCloseException admit(ClientIp ip, int seq) {
        if (ip != null && ip.banned()) {
            // Banned after this connection was admitted: refused before its token reaches logic.
            services.limits().refused(Refusal.IP_BANNED);
            return new SessionCloseException(ErrorCode.IP_BANNED, CloseCode.BANNED, seq,
                    CloseReasons.withRetryAfter("address banned", services.config().limits().banTime().toSeconds()));
        }
        long pass = services.authShedding().tryAcquire();
        if (pass == AuthShedding.REJECTED) {
            // This comet is short of CPU and more auths wait than it has shown it can carry: reconnect elsewhere.
            services.metrics().admission().authFailed();
            return new SessionCloseException(ErrorCode.OVERLOADED, CloseCode.OVERLOADED, seq,
                    "comet is overloaded; reconnect with backoff");
        }
        shedPass = pass;
        return null;
    }

    /**
     * Takes a place among the Connects sent to logic for the admitted auth of {@code claimant}:
     * {@link ConnectAdmission#PLACED} (send now), {@link ConnectAdmission#REFUSED} (its pass is given back: refuse it
     * with {@link #refusal}) or a wait that ends in {@link ConnectWait.Claimant#placed} or
     * {@link ConnectWait.Claimant#notPlaced} on {@code loop}.
     */
    ConnectWait place(EventExecutor loop, ConnectWait.Claimant claimant) {
        ConnectWait w = services.admission().acquire(loop, claimant);
        if (w == ConnectAdmission.REFUSED) {
            releasePass();
        } else if (w != ConnectAdmission.PLACED) {
            wait = w;
        }
        return w;
    }

    /** The close of an auth that got no place ({@code waited} nanoseconds of waiting, 0 if it could not wait). */
    SessionCloseException refusal(int seq, long waited) {
        services.metrics().admission().authFailed();
        ConnectAdmission a = services.admission();
        return new SessionCloseException(ErrorCode.UNAVAILABLE, CloseCode.LOGIC_UNAVAILABLE, seq,
                waited > 0 ? "no place among the " + a.limit() + " Connects to logic came within "
                        + TimeUnit.NANOSECONDS.toMillis(waited) + " ms; retry later"
                        : "comet has " + a.limit() + " Connects waiting for logic and " + a.waiting()
                        + " auths waiting for a place; retry later");
    }

    /** The wait ended without a place: gives back the shedding pass. */
    void notPlaced() {
        wait = null;
        releasePass();
    }

    /** A place came but the Connect will not be sent (the channel closed or failed meanwhile): gives both back. */
    void giveBack() {
        wait = null;
        services.admission().release();
        releasePass();
    }

    /** The place came: the Connect is sent. */
    void placed() {
        wait = null;
    }

    private void releasePass() {
        long pass = shedPass;
        shedPass = AuthShedding.REJECTED;
        if (pass != AuthShedding.REJECTED) {
            services.authShedding().release(pass);
        }
    }

    /**
     * Logic's verdict on the auth's Connect ({@code error}: the call failed): null when it accepted, else the close to
     * fire — a token logic refused counts toward the address's ban, a retryable failure (logic unreachable, slow,
     * overloaded) does not.
     */
    SessionCloseException verdict(ConnectReply reply, Throwable error, int seq) {
        ErrorCode code;
        boolean retry;
        String message;
        if (error != null) {
            Throwable t = Failures.unwrap(error);
            code = Failures.code(t, ErrorCode.UNAVAILABLE);
            retry = code.isRetryable() || code == ErrorCode.UNKNOWN || !(t instanceof JgoimException);
            message = "logic Connect failed: " + t.getMessage();
        } else if (reply.getErrorCode() != 0) {
            code = ErrorCode.of(reply.getErrorCode());
            retry = code.isRetryable();
            message = reply.getErrorMessage().isEmpty() ? code.description() : reply.getErrorMessage();
        } else {
            return null;
        }
        services.metrics().admission().authFailed();
        strike(retry ? null : BanReason.AUTH_FAILURES);
        return new SessionCloseException(code, code == ErrorCode.OVERLOADED ? CloseCode.OVERLOADED
                : retry ? CloseCode.LOGIC_UNAVAILABLE : CloseCode.AUTH_FAILED, seq, message);
    }

    /** What a close from now on, before the auth is done, counts toward the address's ban (null: nothing). */
    void strike(BanReason reason) {
        this.strike = reason;
    }

    /**
     * The handshake failed or the channel closed (not while the comet drains): counts its strike against {@code ip}
     * once, before the session handler releases the address's place (the slot stays valid until then). A failed
     * handshake counts when it fails, not when its channel closes: the goodbye's close lingers until the client
     * closes, and a burst of bad tokens would otherwise pass that many more before the ban.
     */
    void onClose(ClientIp ip) {
        if (ip != null && strike != null) {
            ip.strike(strike);
        }
        strike = null;
    }

    /** The channel closed: a wait for a place ends here (and its pass goes back) unless the place already came. */
    void cancelWait() {
        ConnectWait w = wait;
        if (w != null && w.cancel()) {
            wait = null;
            releasePass();
        }
    }

    /**
     * The admitted auth's Connect is over, {@code nanos} after it was sent: gives back its place (its latency and
     * whether logic {@code answered} it steer the adaptive bound) and its shedding pass.
     */
    void done(long nanos, boolean answered) {
        services.admission().done(nanos, answered);
        releasePass();
    }
}
