package io.jgoim.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The token the client's next auth sends and its {@link TokenLifetime}: the configured token, with the session key
 * the server generated once an auth reply named it, replaced by an accepted refresh or by the token a TOKEN_EXPIRED
 * close made {@link ConnectRetry} fetch. Confined to the client's event loop but for {@link #refreshed}, called from
 * any thread, and the lifetime's expiry, read from any thread.
 */
final class AuthToken {
    private final EventLoop loop;
    private final TokenLifetime lifetime;
    private byte[] token;

    AuthToken(EventLoop loop, byte[] token, TokenLifetime lifetime) {
        this.loop = loop;
        this.token = token;
        this.lifetime = lifetime;
    }

    /** What the next auth frame carries (before a position-aware client's positions). */
    byte[] bytes() {
        return token;
    }

    /** Later auths send {@code token} (one {@link ConnectRetry} fetched). */
    void use(byte[] token) {
        this.token = token;
    }

    /** Keeps the session key the auth reply's JSON names, if any, for later auths (goim tokens with an empty key). */
    void keepSessionKey(ByteBuf authReplyJson) {
        token = SessionKeys.withKey(token, SessionKeys.fromAuthReply(authReplyJson));
    }

    TokenLifetime lifetime() {
        return lifetime;
    }

    /**
     * A refresh was accepted: later auths (reconnects) send {@code token}, and its expiry ({@code expiresSeconds},
     * 0 = never) schedules the next refresh. Any thread; the future completes once both are applied (on the event
     * loop), so whoever waits for it reads the new expiry. When the loop no longer runs tasks (the client was
     * closed) there is nothing left to apply them to, and it completes at once.
     */
    CompletableFuture<Void> refreshed(byte[] token, long expiresSeconds) {
        Runnable apply = () -> {
            this.token = token;
            lifetime.onRefreshed(expiresSeconds);
        };
        if (loop.inEventLoop()) {
            apply.run();
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> applied = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    apply.run();
                } finally {
                    applied.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            applied.complete(null);
        }
        return applied;
    }
}
