package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtocolException;
import io.jgoim.protocol.stream.AuthBody;
import io.jgoim.protocol.stream.StreamState;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The life cycle of one client's long connection: connect, send the auth frame once the transport is ready, become
 * CONNECTED on the auth reply (starting the {@link Heartbeat} and restoring {@link Subscriptions} after a reconnect),
 * and when the channel closes decide between reconnecting after a {@link ReconnectPolicy} delay and closing for good
 * (terminal close code, reconnect off, client closed). When and how the next attempt starts, and how a first connect
 * that has not authenticated yet is retried until its deadline, is {@link ConnectRetry}'s. Each attempt's
 * address comes from {@link Endpoints} (a draining comet's hints first, then the next address of the rotation); the
 * token later auths send (with the session key the server generated, or a refreshed one) is {@link AuthToken}'s,
 * and a position-aware client's positions go after the token and come back in the reply ({@link StreamFrames}).
 * What it measures (times, reconnects, addresses, the last close) goes to {@link ConnectionStats}. Owns the state
 * and the current channel; every transition and timer runs on the client's event loop, the volatile fields are read
 * from any thread.
 */
final class Connection {
    private final JgoimClient client;
    private final ClientConfig config;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final PendingRequests pending;
    private final Heartbeat heartbeat;
    private final Runnable onReauthenticated;
    private final Endpoints endpoints;
    private final ConnectRetry retry;
    private final StreamFrames streams;
    private final AuthToken token;
    private final ConnectionStats stats = new ConnectionStats();

    private volatile ClientState state = ClientState.NEW;
    private volatile Channel channel;

    // Confined to the event loop.
    private boolean everAuthenticated;
    private ScheduledFuture<?> authTimeoutTask;

    /** {@code onReauthenticated} runs on the event loop after every successful auth but the first. */
    Connection(JgoimClient client, EventLoopGroup group, EventLoop loop, PendingRequests pending,
               Runnable onReauthenticated) {
        this.client = client;
        this.config = client.config();
        this.loop = loop;
        this.pending = pending;
        this.onReauthenticated = onReauthenticated;
        this.heartbeat = new Heartbeat(config, loop, this);
        this.bootstrap = ClientChannelInitializer.bootstrap(config, group, loop, this);
        this.endpoints = new Endpoints(config.addresses(), config.nodesUrl(), config.connectTimeout(), loop);
        this.retry = new ConnectRetry(this, config, loop, endpoints);
        this.token = new AuthToken(loop, config.tokenUnsafe(),
                new TokenLifetime(loop, config.tokenRefresher(), client));
        this.streams = config.positions() ? new StreamFrames(client, this::nextSeq) : null;
    }

    /** The first connection attempt; a second call returns the first call's future. Any thread. */
    CompletableFuture<Void> connect() {
        return retry.connect();
    }

    /** Closes for good; the future completes once the socket is closed. Any thread; idempotent. */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (loop.isShuttingDown()) {
            state = ClientState.CLOSED;
            done.complete(null);
            return done;
        }
        loop.execute(() -> {
            boolean wasClosed = state == ClientState.CLOSED;
            setState(ClientState.CLOSED);
            cancelTimers();
            retry.cancel();
            Channel ch = channel;
            if (ch != null && ch.isOpen()) {
                ch.close().addListener(f -> done.complete(null));
            } else {
                done.complete(null);
            }
            if (!wasClosed) {
                pending.failAll(new JgoimClientException(ErrorCode.UNAVAILABLE, CloseStatus.abnormal("client closed"),
                        "client closed", null));
                retry.clientClosed();
            }
        });
        return done;
    }

    /** Starts an attempt to the next address, unless the client closed. On the event loop. */
    void attemptConnect() {
        if (state == ClientState.CLOSED) {
            return;
        }
        setState(ClientState.CONNECTING);
        endpoints.next(this::connectTo);
    }

    private void connectTo(String address) {
        if (state != ClientState.CONNECTING) {
            return;
        }
        stats.attemptStarted(address);
        InetSocketAddress to = new InetSocketAddress(NodeLists.host(address), NodeLists.port(address));
        ChannelFuture cf = config.localAddress() == null ? bootstrap.connect(to)
                : bootstrap.connect(to, new InetSocketAddress(config.localAddress(), 0));
        channel = cf.channel();
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                onConnectionLost(cf.channel(), CloseStatus.abnormal("connect failed: " + f.cause()));
            }
        });
    }

    /** The transport is ready (TCP connected, TLS and WebSocket handshakes done): send the auth frame. */
    void onTransportReady(Channel ch) {
        if (ch != channel || state != ClientState.CONNECTING) {
            return;
        }
        stats.authSent();
        setState(ClientState.AUTHENTICATING);
        ch.writeAndFlush(Proto.newInstance(config.wireVersion(), Op.AUTH, pending.nextSeq(),
                streams != null ? streams.authBody(token.bytes()) : Unpooled.wrappedBuffer(token.bytes())));
        authTimeoutTask = loop.schedule(() -> {
            if (isAuthenticating(ch)) {
                ClientHandler.closeWith(ch, CloseStatus.abnormal("no auth reply within " + config.authTimeout()));
            }
        }, config.authTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    void onAuthReply(Channel ch, ByteBuf body) {
        if (!isAuthenticating(ch)) {
            return;
        }
        // A ver-3 reply is the JSON, a NUL and the streams' positions; a ver-2 reply has no NUL, a goim one no body.
        List<StreamState> states = List.of();
        if (streams != null) {
            try {
                states = AuthBody.positions(body);
            } catch (ProtocolException e) {
                ClientHandler.closeWith(ch, new CloseStatus(CloseCode.PROTOCOL_ERROR.code(),
                        "auth reply: " + e.getMessage()));
                return;
            }
        }
        ByteBuf json = AuthBody.token(body);
        stats.authenticated();
        cancelAuthTimeout();
        boolean reconnect = everAuthenticated;
        everAuthenticated = true;
        token.keepSessionKey(json);
        setState(ClientState.CONNECTED);
        heartbeat.start(ch, json);
        token.lifetime().onAuthenticated(json);
        ListenerCalls.connected(client, stats.target());
        if (streams != null) {
            streams.onAuthStates(states);
            streams.acks().start(ch, loop);
        }
        if (reconnect) {
            stats.reconnected();
            onReauthenticated.run();
        }
        retry.authenticated();
    }

    /** The channel closed (or never connected); decide between reconnecting and closing for good. */
    void onConnectionLost(Channel ch, CloseStatus status) {
        if (ch != channel) {
            return;
        }
        boolean silentAfterAuth = state == ClientState.AUTHENTICATING && !config.extended()
                && !config.transport().isWebSocket() && ClientHandler.PEER_CLOSED.equals(status.reason());
        channel = null;
        cancelTimers();
        stats.closed(status);
        pending.failAll(new JgoimClientException(ErrorCode.UNAVAILABLE, status,
                "connection closed: " + status.code() + " " + status.reason(), null));
        if (state == ClientState.CLOSED) {
            ListenerCalls.closed(client, status, false);
            return;
        }
        boolean wasConnected = state == ClientState.CONNECTED;
        if (!status.nodes().isEmpty()) {
            endpoints.hint(status.nodes());
        }
        if (!everAuthenticated) {
            retry.afterFirstAttempt(status, silentAfterAuth);
            return;
        }
        if (status.isTerminal() || !config.reconnect()) {
            setState(ClientState.CLOSED);
            ListenerCalls.closed(client, status, false);
            return;
        }
        retry.afterSession(status, wasConnected ? stats.sessionNanos() : -1);
    }

    private void cancelTimers() {
        heartbeat.stop();
        token.lifetime().stop();
        if (streams != null) {
            streams.acks().stop();
        }
        cancelAuthTimeout();
    }

    private void cancelAuthTimeout() {
        if (authTimeoutTask != null) {
            authTimeoutTask.cancel(false);
            authTimeoutTask = null;
        }
    }

    /** Moves to {@code s}, telling the listener of a change. On the event loop. */
    void setState(ClientState s) {
        if (state == s) {
            return;
        }
        state = s;
        ListenerCalls.stateChanged(client, s);
    }

    /** The token later auths send, and its lifetime. */
    AuthToken token() {
        return token;
    }

    /** The seq for a frame that expects no matched reply (auth, heartbeat); shares the requests' counter. */
    int nextSeq() {
        return pending.nextSeq();
    }

    boolean isAuthenticating(Channel ch) {
        return ch == channel && state == ClientState.AUTHENTICATING;
    }

    boolean isConnected(Channel ch) {
        return ch == channel && state == ClientState.CONNECTED;
    }

    JgoimClient client() {
        return client;
    }

    PendingRequests pending() {
        return pending;
    }

    Heartbeat heartbeat() {
        return heartbeat;
    }

    /** The position-aware side, or null for a client without {@code positions(true)}. */
    StreamFrames streams() {
        return streams;
    }

    ClientState state() {
        return state;
    }

    Channel channel() {
        return channel;
    }

    /** What the connection measured: times, reconnects, addresses, the last close. Any thread. */
    ConnectionStats stats() {
        return stats;
    }

    /** The wait before the next attempt, as last scheduled (0: at once); read it in onClose. */
    long retryDelayNanos() {
        return retry.retryDelayNanos();
    }
}
