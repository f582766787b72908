package io.jgoim.comet.session;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.token.TokenIds;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.TimeUnit;

/**
 * The per-session numbers comet's limits are checked against: the token's lifetime and ids (expiry, deny list), the
 * idle timeout, the heartbeat and upstream rate states (one Gcra TAT each), the upstream messages waiting for logic,
 * the slow-consumer clock's start and the client address's place in the address table. Set at the handshake,
 * advanced by {@link OpDispatch}, {@link TokenRefresh}, {@link Upstream} and {@link SlowConsumerClock}.
 *
 * <p>{@link SessionHandler}'s superclass, not a field of it: the bookkeeping gets its own class without a second
 * object per session or a hop on the read path (the same fields in the same object; the accessors are final).
 * Event loop only, like the handler.
 */
abstract class SessionLimits extends ChannelInboundHandlerAdapter {
    /** Tokens that live longer than this are treated as never expiring (and the ticker arithmetic cannot overflow). */
    private static final long MAX_LIFETIME_MS = TimeUnit.DAYS.toMillis(3650);

    private int idleTimeoutMillis;
    private long lastRefreshNanos;
    private long unwritableSinceNanos;
    private int upstreamInFlight;
    /**
     * The client address's place in the address table, handed over by the handshake at activation (-1: none): an
     * int, not the handshake's ClientIp (32 B more per session), since releasing the place is all that is left.
     */
    private int ipSlot = -1;
    // The per-session rate states (limits.minHeartbeatInterval, limits.upstreamRate), one Gcra TAT each.
    private long heartbeatTat;
    private long upstreamTat;
    // The token's lifetime and ids: expiry in loop ticker time (MAX_VALUE: never), jti hash, kid number (a char:
    // TokenIds numbers at most MAX_KIDS kids).
    private long expiresNanos = Long.MAX_VALUE;
    private long jtiHash;
    private char kid;

    /**
     * Starts the clocks at activation ({@code nowNanos}, loop ticker time): the idle timeout is the heartbeat
     * interval logic named ({@code heartbeatSeconds}, else the configured one) times the misses allowed.
     */
    final void startLimits(CometConfig.ProtocolConfig pc, long heartbeatSeconds, long nowNanos, int ipSlot) {
        this.ipSlot = ipSlot;
        long interval = heartbeatSeconds > 0 ? TimeUnit.SECONDS.toNanos(heartbeatSeconds)
                : pc.heartbeatInterval().toNanos();
        idleTimeoutMillis = (int) Math.min(Integer.MAX_VALUE,
                TimeUnit.NANOSECONDS.toMillis(interval) * pc.heartbeatMaxMisses());
        lastRefreshNanos = nowNanos;
        heartbeatTat = nowNanos;
        upstreamTat = nowNanos;
    }

    /**
     * The session token's expiry (unix ms, 0 = never) and ids, from Connect (before activation) or Refresh: the
     * loop's sweeper closes the session with TOKEN_EXPIRED at that time, and the deny list is matched against the
     * ids. {@code nowNanos}: the loop's ticker.
     */
    final void credentials(long nowNanos, long expiresAtMs, String jti, String kid) {
        long leftMs = expiresAtMs - System.currentTimeMillis();
        expiresNanos = expiresAtMs <= 0 || leftMs > MAX_LIFETIME_MS ? Long.MAX_VALUE
                : nowNanos + TimeUnit.MILLISECONDS.toNanos(Math.max(0, leftMs));
        this.jtiHash = TokenIds.jtiHash(jti);
        this.kid = (char) TokenIds.kid(kid);
    }

    /** The session token's jti hash ({@link TokenIds}), 0 for none. */
    public final long jtiHash() {
        return jtiHash;
    }

    /** The session token's kid number ({@link TokenIds}), 0 for none. */
    public final int kid() {
        return kid;
    }

    final long expiresNanos() {
        return expiresNanos;
    }

    /** The earlier of the token's expiry and the idle timeout after the last read at {@code lastReadNanos}. */
    final long deadlineAfter(long lastReadNanos) {
        return Math.min(expiresNanos, lastReadNanos + TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis));
    }

    final long heartbeatTat() {
        return heartbeatTat;
    }

    final void heartbeatTat(long tat) {
        heartbeatTat = tat;
    }

    final long upstreamTat() {
        return upstreamTat;
    }

    final void upstreamTat(long tat) {
        upstreamTat = tat;
    }

    final long lastRefreshNanos() {
        return lastRefreshNanos;
    }

    final void lastRefreshNanos(long nanos) {
        lastRefreshNanos = nanos;
    }

    final int idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    /** Takes a place for an upstream message waiting for logic; false when {@code max} already wait. */
    final boolean tryStartUpstream(int max) {
        if (upstreamInFlight >= max) {
            return false;
        }
        upstreamInFlight++;
        return true;
    }

    /** Logic answered an upstream message: its place is free again. */
    final void upstreamAnswered() {
        upstreamInFlight--;
    }

    /** The address table place to release (-1: none), handed out once. */
    final int takeIpSlot() {
        int slot = ipSlot;
        ipSlot = -1;
        return slot;
    }

    final long unwritableSinceNanos() {
        return unwritableSinceNanos;
    }

    final void unwritableSinceNanos(long nanos) {
        unwritableSinceNanos = nanos;
    }
}
