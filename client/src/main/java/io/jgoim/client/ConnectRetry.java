package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What follows a {@link Connection} attempt that ended, and when. During the first connect (not authenticated yet):
 * the next address of the round at once, then the {@link ReconnectPolicy}'s wait (a refusal's retry-after included)
 * before a new round, while that attempt can start before {@code firstConnectTimeout} ({@link FirstAttempts}); else
 * connect()'s future fails with the last refusal. After a session: the policy's wait. Either way a TOKEN_EXPIRED
 * (4014) close asks the {@link TokenRefresher} for a new token before the next auth, and the listener hears each
 * close before its retry is scheduled. Owns connect()'s future and the scheduled attempt. Confined to the client's
 * event loop, except {@link #connect()} and {@link #retryDelayNanos()}.
 */
final class ConnectRetry {
    private final Connection connection;
    private final ClientConfig config;
    private final EventLoop loop;
    private final Endpoints endpoints;
    private final ReconnectPolicy policy;
    private final AtomicReference<CompletableFuture<Void>> firstConnect = new AtomicReference<>();
    private volatile long retryDelayNanos;

    // Confined to the event loop.
    private FirstAttempts firstAttempts;
    private ScheduledFuture<?> retryTask;

    ConnectRetry(Connection connection, ClientConfig config, EventLoop loop, Endpoints endpoints) {
        this.connection = connection;
        this.config = config;
        this.loop = loop;
        this.endpoints = endpoints;
        this.policy = new ReconnectPolicy(new Backoff(config.backoffMin(), config.backoffMax(),
                () -> ThreadLocalRandom.current().nextDouble()), config.stablePeriod());
    }

    /** Starts the first connect; a second call returns the first call's future. Any thread. */
    CompletableFuture<Void> connect() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!firstConnect.compareAndSet(null, f)) {
            return firstConnect.get();
        }
        try {
            loop.execute(() -> {
                if (connection.state() == ClientState.CLOSED) {
                    f.completeExceptionally(new JgoimClientException(ErrorCode.UNAVAILABLE, "client is closed"));
                    return;
                }
                firstAttempts = new FirstAttempts(System.nanoTime(), config.firstConnectTimeout());
                connection.attemptConnect();
            });
        } catch (RejectedExecutionException e) {
            // the client's own event loop group was shut down by close()
            f.completeExceptionally(new JgoimClientException(ErrorCode.UNAVAILABLE, null, "client is closed", e));
        }
        return f;
    }

    /** A session authenticated: connect()'s future completes (later auths find it done). */
    void authenticated() {
        CompletableFuture<Void> first = firstConnect.get();
        if (first != null) {
            first.complete(null);
        }
    }

    /** Cancels the scheduled attempt, if any: the client is closing. */
    void cancel() {
        if (retryTask != null) {
            retryTask.cancel(false);
            retryTask = null;
        }
    }

    /** The client closed for good: a first connect still under way fails. */
    void clientClosed() {
        CompletableFuture<Void> first = firstConnect.get();
        if (first != null) {
            first.completeExceptionally(new JgoimClientException(ErrorCode.UNAVAILABLE, "client closed"));
        }
    }

    /**
     * An attempt of the first connect failed before authenticating. Unless its code is terminal, the next address of
     * the round is tried at once (and each node a draining comet named). The round spent, a retryable failure (not
     * terminal; for a goim ver-1 TCP client, not a silent close after its auth frame, which is how goim's comet
     * refuses a token, so waiting could only hammer it into a ban) waits what the reconnect policy says for it and
     * starts a new round, as long as that attempt starts before the first connect's deadline. Otherwise the client
     * closes and connect() fails with this, the last, refusal.
     */
    void afterFirstAttempt(CloseStatus status, boolean silentAfterAuth) {
        boolean retryable = !status.isTerminal() && !silentAfterAuth;
        FirstAttempts first = firstAttempts;
        first.failed();
        if (!status.isTerminal() && (endpoints.hasHints() || first.nextInRound(endpoints.roundSize()))) {
            retryAfter(status, 0, nextAttempt(status));
            return;
        }
        long delay = retryable && config.reconnect() ? policy.nextDelayNanos(-1, status) : -1;
        if (delay >= 0 && first.startsInTime(System.nanoTime(), delay)) {
            first.newRound();
            retryAfter(status, delay, nextAttempt(status));
            return;
        }
        connection.setState(ClientState.CLOSED);
        // The listener hears the last close before connect()'s future fails: whoever waits on the future then sees
        // every close event, the final one (willReconnect false) included.
        ListenerCalls.closed(connection.client(), status, false);
        CompletableFuture<Void> f = firstConnect.get();
        if (f != null && !f.isDone()) {
            ErrorCode code = status.isTerminal() ? ErrorCode.UNAUTHORIZED : ErrorCode.UNAVAILABLE;
            f.completeExceptionally(new JgoimClientException(code, status, "connection failed: " + status.code() + " "
                    + status.reason() + (first.attempts() > 1 ? " (after " + first.attempts() + " attempts)" : ""),
                    null));
        }
    }

    /**
     * A session ended with a close the client reconnects after (the caller ruled out terminal codes and reconnect
     * off): wait what the policy says, {@code livedNanos} being how long the session was authenticated (negative:
     * it ended while authenticating again).
     */
    void afterSession(CloseStatus status, long livedNanos) {
        retryAfter(status, policy.nextDelayNanos(livedNanos, status), nextAttempt(status));
    }

    /**
     * Schedules the next attempt {@code delayNanos} from now (0: at once, the next address of a round), telling the
     * listener first: {@link #retryDelayNanos()} holds the wait during its onClose call.
     */
    private void retryAfter(CloseStatus status, long delayNanos, Runnable next) {
        retryDelayNanos = delayNanos;
        if (delayNanos > 0) {
            connection.setState(ClientState.RECONNECTING);
        }
        ListenerCalls.closed(connection.client(), status, true);
        if (connection.state() == ClientState.CLOSED) {
            return; // the listener closed the client
        }
        retryTask = delayNanos > 0 ? loop.schedule(next, delayNanos, TimeUnit.NANOSECONDS) : null;
        if (delayNanos <= 0) {
            loop.execute(next);
        }
    }

    /**
     * The next attempt after {@code status}: a TOKEN_EXPIRED close with a refresher renews the token first, on a
     * first connect as on a reconnect (the token the server just called expired would be refused again); any other
     * close authenticates with the token in hand.
     */
    private Runnable nextAttempt(CloseStatus status) {
        return status.code() == CloseCode.TOKEN_EXPIRED.code() && config.tokenRefresher() != null
                ? this::renewTokenThenConnect : connection::attemptConnect;
    }

    /**
     * Asks the application's refresher for a new token before authenticating again, instead of presenting the
     * expired one (a terminal refusal). A refresher that fails leaves the old token; the auth then says why.
     */
    private void renewTokenThenConnect() {
        CompletionStage<byte[]> renewed;
        try {
            renewed = config.tokenRefresher().newToken();
        } catch (RuntimeException e) {
            renewed = CompletableFuture.failedFuture(e);
        }
        renewed.whenComplete((token, e) -> loop.execute(() -> {
            if (e == null && token != null && token.length > 0) {
                connection.token().use(token.clone());
            }
            if (connection.state() != ClientState.CLOSED) {
                connection.attemptConnect();
            }
        }));
    }

    /** The wait before the next attempt, as last scheduled (0: at once); read it in onClose. Any thread. */
    long retryDelayNanos() {
        return retryDelayNanos;
    }
}
