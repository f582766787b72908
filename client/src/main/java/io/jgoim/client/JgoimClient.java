package io.jgoim.client;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.stream.StreamPosition;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One long connection to a comet: authenticates with a token, heartbeats, delivers pushes to a
 * {@link ClientListener}, sends requests (change room, watch, upstream) whose futures complete with the reply that
 * carries their seq, and reconnects by itself with jittered backoff after a connection is lost (not after a terminal
 * close code). See the package documentation for an example. This class is the public face; the work is done by its
 * {@link Connection} (life cycle, {@link Heartbeat}) with {@link ConnectRetry} (first connect, reconnects),
 * {@link Requests} with {@link PendingRequests} (request/reply matching), {@link Subscriptions} (room and watched
 * ops, restored after a reconnect) and, with {@code positions(true)}, {@link StreamFrames} with {@link Positions}
 * (stream positions, dedupe, resume).
 *
 * <p>Threading: every public method is thread-safe. The client pins itself to one event loop of its group; all state
 * transitions, timers and listener calls happen there. Ownership: a client created without a group owns a
 * one-thread group and shuts it down on {@link #close()}; a shared group belongs to the caller.
 */
public final class JgoimClient implements AutoCloseable {
    private final ClientConfig config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoop loop;
    private final Connection connection;
    private final Requests requests;
    private final Subscriptions subscriptions;

    JgoimClient(ClientConfig config, EventLoopGroup sharedGroup) {
        this.config = config;
        this.ownsGroup = sharedGroup == null;
        this.group = ownsGroup ? ClientTransports.newEventLoopGroup(1) : sharedGroup;
        this.loop = group.next();
        PendingRequests pending = new PendingRequests();
        this.connection = new Connection(this, group, loop, pending, this::restoreSubscriptions);
        this.requests = new Requests(config, loop, connection, pending);
        this.subscriptions = new Subscriptions(requests, loop);
    }

    /** A new builder. */
    public static JgoimClientBuilder builder() {
        return new JgoimClientBuilder();
    }

    /**
     * Connects and authenticates. The future completes when the first session authenticated. A refused or failed
     * attempt that retrying can cure is retried as a reconnect is: a refusal of the reconnect class (4000-4499: rate
     * limit 4016, per-address cap 4017 and ban 4018, whose {@code retry-after} is waited, overload 4015, draining
     * comet 4001, logic unavailable 4004, an expired token 4014, renewed first by a {@link TokenRefresher} when one is
     * set) or a transport failure (connection refused, connect or auth timeout). Each address is tried once at once,
     * then the client waits what the {@link ReconnectPolicy} says (at least a refusal's retry-after), state
     * {@link ClientState#RECONNECTING}, and tries again; the listener's
     * {@link ClientListener#onClose onClose(status, true)} reports each refusal, with {@link #retryDelay()} the wait.
     * The future fails with a {@link JgoimClientException} (its {@link JgoimClientException#closeStatus()} is the
     * last refusal) at once on a terminal code (4500-4999: a refused token is {@link ErrorCode#UNAUTHORIZED}), when
     * the next attempt could not start within the builder's {@code firstConnectTimeout} (default 2 minutes; zero:
     * each address once, no waiting), with {@code reconnect(false)} after one round, and when {@link #close()} ends
     * the retries. A goim (ver 1) TCP client learns no close code: a silent close after its auth frame fails at once.
     * A failed first connect leaves the client {@link ClientState#CLOSED}. Calling it again returns the same future.
     */
    public CompletableFuture<Void> connect() {
        return connection.connect();
    }

    /** Moves the session to {@code roomId} (op 12); completes with the room the server confirmed. */
    public CompletableFuture<String> changeRoom(String roomId) {
        return subscriptions.changeRoom(roomId);
    }

    /** Starts receiving pushes of {@code ops} (op 14); re-sent after a reconnect. */
    public CompletableFuture<Void> watch(int... ops) {
        return subscriptions.watch(ops);
    }

    /** Stops receiving pushes of {@code ops} (op 16). */
    public CompletableFuture<Void> unwatch(int... ops) {
        return subscriptions.unwatch(ops);
    }

    /**
     * Sends an upstream message (op 4, or a business op &ge; 1000) and completes with the server's reply to it:
     * goim echoes the op and seq with an empty body, jgoim may answer op + 1.
     */
    public CompletableFuture<Reply> sendUpstream(int op, byte[] body) {
        if (op != Op.SEND_MSG && op < Op.BUSINESS_MIN) {
            throw new IllegalArgumentException("upstream op must be 4 or >= 1000: " + op);
        }
        return requests.send(op, Unpooled.wrappedBuffer(body));
    }

    /**
     * The last {@code count} messages (1..1000) of {@code stream} — the client's room, or its own member stream
     * {@code mid:<mid>} — for a client that joins late (a live stream's recent comments); needs
     * {@code positions(true)}. The answer does not move the client's positions and does not reach the listener.
     * Fails with a {@link JgoimClientException} whose code says why: STREAM_FORBIDDEN, HISTORY_OFF,
     * HISTORY_UNAVAILABLE (retry), BAD_PARAMETER for a count out of range.
     */
    public CompletableFuture<List<Publication>> recent(String stream, int count) {
        if (!config.positions()) {
            return CompletableFuture.failedFuture(new JgoimClientException(ErrorCode.UNKNOWN_OP,
                    "recent messages need positions(true)"));
        }
        if (stream == null) {
            return CompletableFuture.failedFuture(new JgoimClientException(ErrorCode.BAD_PARAMETER, "stream is null"));
        }
        try {
            return RecentMessages.ask(requests, stream, count);
        } catch (io.jgoim.protocol.ProtocolException e) {
            return CompletableFuture.failedFuture(RecentMessages.refused(e));
        }
    }

    /**
     * Sends a new token for the open session (op 23, extended clients only) so it outlives the current token's exp
     * without reconnecting. Completes with the new expiry (null: the new token never expires) once the server
     * accepted it, and later reconnects authenticate with it; fails with a {@link JgoimClientException} carrying the
     * refusal's code (TOKEN_WRONG_MEMBER for another member's token, TOKEN_EXPIRED, TOKEN_REVOKED, ...), in which
     * case the session stays open until the current token expires.
     */
    public CompletableFuture<Instant> refreshToken(byte[] token) {
        if (!config.extended()) {
            return CompletableFuture.failedFuture(new JgoimClientException(ErrorCode.UNKNOWN_OP,
                    "refreshing a token needs the extended protocol (a goim session is closed for op 23)"));
        }
        byte[] copy = token.clone();
        // Completes after the connection applied the new token and expiry (on its event loop): a caller that then
        // reads tokenExpiry() sees the new one, even when the reply came before this stage was attached.
        return requests.send(Op.REFRESH, Unpooled.wrappedBuffer(copy)).thenCompose(reply -> {
            long exp = TokenLifetime.expires(new String(reply.body(), StandardCharsets.UTF_8));
            return connection.token().refreshed(copy, exp).thenApply(v -> exp == 0 ? null : Instant.ofEpochSecond(exp));
        });
    }

    /** When the session's current token expires, from the auth reply or the last refresh; null: never or unknown. */
    public Instant tokenExpiry() {
        long exp = connection.token().lifetime().expiresAtSeconds();
        return exp == 0 ? null : Instant.ofEpochSecond(exp);
    }

    /** The current state. */
    public ClientState state() {
        return connection.state();
    }

    /** The room's online count from the last heartbeat reply (0 before the first). */
    public int onlineCount() {
        return connection.heartbeat().onlineCount();
    }

    /** Heartbeat replies received over the client's life. */
    public long heartbeatReplies() {
        return connection.heartbeat().replies();
    }

    /** The heartbeat interval in use: the fixed one, or the one the server advised at the last auth. */
    public Duration heartbeatInterval() {
        return connection.heartbeat().interval();
    }

    /** Why the last connection ended, or null while the first one lives. */
    public CloseStatus lastClose() {
        return connection.stats().lastClose();
    }

    /** The room this session is in after the last successful change room, or null. */
    public String room() {
        return subscriptions.room();
    }

    /** Nanoseconds from connect() of the latest attempt until the transport (TCP, TLS, WebSocket) was ready. */
    public long connectNanos() {
        return connection.stats().connectNanos();
    }

    /** Nanoseconds from sending the latest auth frame until its reply. */
    public long authNanos() {
        return connection.stats().authNanos();
    }

    /**
     * The comet the client last authenticated on, {@code host:port} (one of its addresses, a node of logic's list, or
     * a node a draining comet hinted); null before the first auth.
     */
    public String node() {
        return connection.stats().node();
    }

    /**
     * The last position of each stream the client holds (built with {@code positions(true)}), by stream name: what
     * it sends after its token when it reconnects. Empty for other clients.
     */
    public List<StreamPosition> positions() {
        StreamFrames streams = connection.streams();
        return streams == null ? List.of() : streams.positions().snapshot();
    }

    /** Positioned messages dropped as duplicates (offset at or below the last delivered in the same epoch). */
    public long duplicatesDropped() {
        StreamFrames streams = connection.streams();
        return streams == null ? 0 : streams.positions().duplicates();
    }

    /** Op-22 acks of the member stream sent (built with {@code positions(true)}): at most one per ackInterval. */
    public long acksSent() {
        StreamFrames streams = connection.streams();
        return streams == null ? 0 : streams.acks().sent();
    }

    /**
     * The wait the client scheduled before its next attempt, after a refused first attempt or a lost connection
     * ({@link Duration#ZERO}: the next address is tried at once). Set before
     * {@link ClientListener#onClose onClose(status, true)} is called, so a listener can show "retrying in N s".
     */
    public Duration retryDelay() {
        return Duration.ofNanos(connection.retryDelayNanos());
    }

    /** How many times a lost connection was re-established and re-authenticated. */
    public int reconnects() {
        return connection.stats().reconnects();
    }

    public ClientConfig config() {
        return config;
    }

    /** Closes the connection for good and waits (up to 5 s) for the socket to close; no reconnect follows. */
    @Override
    public void close() {
        CompletableFuture<Void> done = closeAsync();
        if (!loop.inEventLoop()) {
            done.orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    /**
     * Closes the connection for good without waiting; the future completes once the socket is closed. No reconnect
     * follows; pending requests fail. Idempotent. A client that owns its event loop group shuts it down afterwards.
     */
    public CompletableFuture<Void> closeAsync() {
        boolean loopAlive = !loop.isShuttingDown();
        CompletableFuture<Void> done = connection.close();
        if (ownsGroup && loopAlive) {
            return done.whenComplete((v, t) -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        }
        return done;
    }

    private void restoreSubscriptions() {
        subscriptions.restore();
    }
}
