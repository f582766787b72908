package io.jgoim.comet.session;

import io.jgoim.comet.limit.BanReason;
import io.jgoim.comet.limit.ClientIp;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.jgoim.protocol.ErrorCode;

/**
 * The admission of a new connection's auth, and what its end counts toward its address's ban. Whether one auth may go
 * on to logic is checked in order before its token leaves the comet: the client's address is
 * not banned (a ban that began after the connection was accepted), the comet's adaptive shedding lets it pass
 * ({@link AuthShedding}), and fewer Connects wait for logic than the comet's adaptive bound
 * ({@link ConnectAdmission}). An admitted auth holds a shedding pass and a place in the bound until {@link #done}.
 * The per-IP limits of the accept itself are applied before this, when the connection opened ({@code comet.limit}).
 *
 * <p>One instance per channel (it holds the auth's shedding pass), owned by its {@link HandshakeHandler}: event
 * loop only, but {@link #done} may run on the thread that completed the Connect.
 */
final class AuthAdmission {
    private final SessionServices services;
    private long shedPass = AuthShedding.REJECTED;
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
            services.metrics().authFailed();
            return new SessionCloseException(ErrorCode.OVERLOADED, CloseCode.OVERLOADED, seq,
                    "comet is overloaded; reconnect with backoff");
        }
        if (!services.admission().tryAcquire()) {
            services.authShedding().release(pass);
            // Shed at once rather than queue behind Connects that would outlast logicTimeout anyway.
            services.metrics().authFailed();
            return new SessionCloseException(ErrorCode.UNAVAILABLE, CloseCode.LOGIC_UNAVAILABLE, seq,
                    "comet has " + services.admission().limit() + " Connects waiting for logic; retry later");
        }
        shedPass = pass;
        return null;
    }

    /** What a close from now on, before the auth is done, counts toward the address's ban (null: nothing). */
    void strike(BanReason reason) {
        this.strike = reason;
    }

    /**
     * The channel closed (not while the comet drains): counts its strike against {@code ip}, before the session
     * handler releases the address's place (the slot stays valid until then).
     */
    void onClose(ClientIp ip) {
        if (ip != null && strike != null) {
            ip.strike(strike);
        }
    }

    /**
     * The admitted auth's Connect is over, {@code nanos} after it was sent: gives back its place (its latency and
     * whether logic {@code answered} it steer the adaptive bound) and its shedding pass.
     */
    void done(long nanos, boolean answered) {
        services.admission().done(nanos, answered);
        services.authShedding().release(shedPass);
    }
}
