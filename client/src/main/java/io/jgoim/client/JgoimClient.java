package io.jgoim.client;

import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.Matcher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * One long connection to a comet: authenticates with a token, heartbeats, delivers pushes to a
 * {@link ClientListener}, sends requests (change room, watch, upstream) whose futures complete with the reply that
 * carries their seq, and reconnects by itself with jittered backoff after a connection is lost (not after a terminal
 * close code). See the package documentation for an example.
 *
 * <p>Threading: every public method is thread-safe. The client pins itself to one event loop of its group; all state
 * transitions, timers and listener calls happen there. Ownership: a client created without a group owns a
 * one-thread group and shuts it down on {@link #close()}; a shared group belongs to the caller.
 */
public final class JgoimClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JgoimClient.class);

    private final ClientConfig config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final ReconnectPolicy reconnectPolicy;
    private final PendingRequests pending = new PendingRequests();
    private final AtomicReference<CompletableFuture<Void>> firstConnect = new AtomicReference<>();
    private final Map<Integer, Boolean> watched = new ConcurrentHashMap<>(4);

    private volatile ClientState state = ClientState.NEW;
    private volatile Channel channel;
    private volatile int onlineCount;
    private volatile CloseStatus lastClose;
    private volatile String room;
    private volatile long connectNanos;
    private volatile long authNanos;
    private volatile int reconnects;
    private static final Pattern ADVISED_HEARTBEAT = Pattern.compile("\"heartbeat\"\\s*:\\s*(\\d{1,9})");
    private volatile long heartbeatReplies;
    private volatile long heartbeatNanos;

    // Confined to the event loop.
    private boolean everAuthenticated;
    private boolean roomChanged;
    private long attemptStartNanos;
    private long authSentNanos;
    private long authenticatedAtNanos;
    private int heartbeatsMissed;
    private ScheduledFuture<?> heartbeatTask;
    private ScheduledFuture<?> authTimeoutTask;

    JgoimClient(ClientConfig config, EventLoopGroup sharedGroup) {
        this.config = config;
        this.ownsGroup = sharedGroup == null;
        this.group = ownsGroup ? ClientTransports.newEventLoopGroup(1) : sharedGroup;
        this.loop = group.next();
        this.reconnectPolicy = new ReconnectPolicy(new Backoff(config.backoffMin(), config.backoffMax(),
                () -> ThreadLocalRandom.current().nextDouble()), config.stablePeriod());
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(ClientTransports.socketChannelClass(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ClientChannelInitializer(this));
        if (config.localAddress() != null && ClientTransports.isEpoll(group)) {
            // Lets the kernel pick the source port per destination, so one source address serves more sessions.
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
    }

    /** A new builder. */
    public static JgoimClientBuilder builder() {
        return new JgoimClientBuilder();
    }

    /**
     * Connects and authenticates. The future completes when the server accepted the token, or fails with a
     * {@link JgoimClientException} (closed, refused, timed out); a failed first connection leaves the client
     * {@link ClientState#CLOSED} (reconnects only follow a connection that authenticated). Calling it again returns
     * the same future.
     */
    public CompletableFuture<Void> connect() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (!firstConnect.compareAndSet(null, f)) {
            return firstConnect.get();
        }
        try {
            loop.execute(() -> {
                if (state == ClientState.CLOSED) {
                    f.completeExceptionally(new JgoimClientException(ErrorCode.UNAVAILABLE, "client is closed"));
                    return;
                }
                attemptConnect();
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the client's own event loop group was shut down by close()
            f.completeExceptionally(new JgoimClientException(ErrorCode.UNAVAILABLE, null, "client is closed", e));
        }
        return f;
    }

    /** Moves the session to {@code roomId} (op 12); completes with the room the server confirmed. */
    public CompletableFuture<String> changeRoom(String roomId) {
        byte[] body = roomId.getBytes(StandardCharsets.UTF_8);
        return request(Op.CHANGE_ROOM, Unpooled.wrappedBuffer(body)).thenApply(r -> {
            room = roomId;
            loop.execute(() -> roomChanged = true);
            return r.bodyAsString();
        });
    }

    /** Starts receiving pushes of {@code ops} (op 14); re-sent after a reconnect. */
    public CompletableFuture<Void> watch(int... ops) {
        return request(Op.SUB, opsBody(ops)).thenAccept(r -> {
            for (int op : ops) {
                watched.put(op, Boolean.TRUE);
            }
        });
    }

    /** Stops receiving pushes of {@code ops} (op 16). */
    public CompletableFuture<Void> unwatch(int... ops) {
        return request(Op.UNSUB, opsBody(ops)).thenAccept(r -> {
            for (int op : ops) {
                watched.remove(op);
            }
        });
    }

    /**
     * Sends an upstream message (op 4, or a business op &ge; 1000) and completes with the server's reply to it:
     * goim echoes the op and seq with an empty body, jgoim may answer op + 1.
     */
    public CompletableFuture<Reply> sendUpstream(int op, byte[] body) {
        if (op != Op.SEND_MSG && op < Op.BUSINESS_MIN) {
            throw new IllegalArgumentException("upstream op must be 4 or >= 1000: " + op);
        }
        return request(op, Unpooled.wrappedBuffer(body));
    }

    /** The current state. */
    public ClientState state() {
        return state;
    }

    /** The room's online count from the last heartbeat reply (0 before the first). */
    public int onlineCount() {
        return onlineCount;
    }

    /** Heartbeat replies received over the client's life. */
    public long heartbeatReplies() {
        return heartbeatReplies;
    }

    /** Why the last connection ended, or null while the first one lives. */
    public CloseStatus lastClose() {
        return lastClose;
    }

    /** The room this session is in after the last successful change room, or null. */
    public String room() {
        return room;
    }

    /** Nanoseconds from connect() of the latest attempt until the transport (TCP, TLS, WebSocket) was ready. */
    public long connectNanos() {
        return connectNanos;
    }

    /** Nanoseconds from sending the latest auth frame until its reply. */
    public long authNanos() {
        return authNanos;
    }

    /** How many times a lost connection was re-established and re-authenticated. */
    public int reconnects() {
        return reconnects;
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
            Channel ch = channel;
            if (ch != null && ch.isOpen()) {
                ch.close().addListener(f -> done.complete(null));
            } else {
                done.complete(null);
            }
            if (!wasClosed) {
                failPending(new JgoimClientException(ErrorCode.UNAVAILABLE, CloseStatus.abnormal("client closed"),
                        "client closed", null));
                CompletableFuture<Void> first = firstConnect.get();
                if (first != null) {
                    first.completeExceptionally(new JgoimClientException(ErrorCode.UNAVAILABLE, "client closed"));
                }
            }
        });
        if (ownsGroup) {
            return done.whenComplete((v, t) -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        }
        return done;
    }

    // ---------------------------------------------------------------- requests

    private CompletableFuture<Reply> request(int op, ByteBuf body) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        if (body.readableBytes() > config.maxRequestBodyBytes()) {
            int len = body.readableBytes();
            body.release();
            // the server would close the whole session on this frame; refuse just the request
            f.completeExceptionally(new JgoimClientException(ErrorCode.BODY_TOO_LARGE,
                    "request body " + len + " > " + config.maxRequestBodyBytes() + " bytes"));
            return f;
        }
        Channel ch = channel;
        if (state != ClientState.CONNECTED || ch == null) {
            body.release();
            f.completeExceptionally(new JgoimClientException(ErrorCode.UNAVAILABLE, "not connected: " + state));
            return f;
        }
        int s = pending.nextSeq();
        Object token = pending.add(s, op, f);
        ch.writeAndFlush(Proto.newInstance(version(), op, s, body)).addListener(w -> {
            if (!w.isSuccess()) {
                pending.fail(s, token, new JgoimClientException(ErrorCode.UNAVAILABLE, null, "write failed",
                        w.cause()));
            }
        });
        loop.schedule(() -> pending.fail(s, token, new JgoimClientException(ErrorCode.TIMEOUT,
                "no reply to op " + op + " seq " + s + " within " + config.requestTimeout())),
                config.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        return f;
    }

    private int version() {
        return config.extended() ? PacketLayout.VERSION_EXTENDED : PacketLayout.VERSION;
    }

    private static ByteBuf opsBody(int... ops) {
        if (ops.length == 0) {
            throw new IllegalArgumentException("at least one op");
        }
        String s = Arrays.stream(ops).mapToObj(Integer::toString).collect(Collectors.joining(","));
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** Completes the request waiting for {@code seq} when {@code op} answers it; true when consumed. */
    boolean completeReply(int op, int replySeq, ByteBuf body) {
        return pending.complete(op, replySeq, body);
    }

    private void failPending(Throwable cause) {
        pending.failAll(cause);
    }

    // ---------------------------------------------------------------- life cycle (event loop only)

    private void attemptConnect() {
        if (state == ClientState.CLOSED) {
            return;
        }
        setState(ClientState.CONNECTING);
        attemptStartNanos = System.nanoTime();
        InetSocketAddress target = new InetSocketAddress(config.host(), config.port());
        ChannelFuture cf = config.localAddress() == null ? bootstrap.connect(target)
                : bootstrap.connect(target, new InetSocketAddress(config.localAddress(), 0));
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
        long now = System.nanoTime();
        connectNanos = now - attemptStartNanos;
        authSentNanos = now;
        setState(ClientState.AUTHENTICATING);
        ch.writeAndFlush(Proto.newInstance(version(), Op.AUTH, pending.nextSeq(),
                Unpooled.wrappedBuffer(config.tokenUnsafe())));
        authTimeoutTask = loop.schedule(() -> {
            if (ch == channel && state == ClientState.AUTHENTICATING) {
                ClientHandler.closeWith(ch, CloseStatus.abnormal("no auth reply within " + config.authTimeout()));
            }
        }, config.authTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    void onAuthReply(Channel ch, ByteBuf body) {
        if (ch != channel || state != ClientState.AUTHENTICATING) {
            return;
        }
        long now = System.nanoTime();
        authNanos = now - authSentNanos;
        authenticatedAtNanos = now;
        cancel(authTimeoutTask);
        authTimeoutTask = null;
        heartbeatsMissed = 0;
        boolean reconnect = everAuthenticated;
        everAuthenticated = true;
        setState(ClientState.CONNECTED);
        long hb = config.heartbeatInterval().toNanos();
        if (config.heartbeatFromServer()) {
            long advised = advisedHeartbeatSeconds(body);
            if (advised > 0) {
                hb = TimeUnit.SECONDS.toNanos(advised);
            }
        }
        heartbeatNanos = hb;
        heartbeatTask = loop.scheduleAtFixedRate(() -> heartbeat(ch), hb, hb, TimeUnit.NANOSECONDS);
        if (reconnect) {
            reconnects++;
            restoreSubscriptions();
        }
        CompletableFuture<Void> first = firstConnect.get();
        if (first != null) {
            first.complete(null);
        }
    }

    /** The {@code heartbeat} number of an extended auth reply's JSON body, or -1. */
    static long advisedHeartbeatSeconds(ByteBuf body) {
        if (body == null || !body.isReadable()) {
            return -1;
        }
        Matcher m = ADVISED_HEARTBEAT.matcher(body.toString(StandardCharsets.UTF_8));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The heartbeat interval in use: the fixed one, or the one the server advised at the last auth. */
    public Duration heartbeatInterval() {
        long n = heartbeatNanos;
        return n > 0 ? Duration.ofNanos(n) : config.heartbeatInterval();
    }

    private void restoreSubscriptions() {
        String r = room;
        if (roomChanged && r != null) {
            changeRoom(r).exceptionally(t -> {
                LOG.debug("re-entering room {} after reconnect failed", r, t);
                return null;
            });
        }
        if (!watched.isEmpty()) {
            watch(watched.keySet().stream().mapToInt(Integer::intValue).toArray()).exceptionally(t -> null);
        }
    }

    private void heartbeat(Channel ch) {
        if (ch != channel || state != ClientState.CONNECTED) {
            return;
        }
        if (heartbeatsMissed >= config.heartbeatMaxMissed()) {
            ClientHandler.closeWith(ch, CloseStatus.abnormal("no heartbeat reply for " + heartbeatsMissed
                    + " intervals"));
            return;
        }
        heartbeatsMissed++;
        ch.writeAndFlush(Proto.newInstance(version(), Op.HEARTBEAT, pending.nextSeq(), Unpooled.EMPTY_BUFFER));
    }

    void onHeartbeatReply(int count) {
        heartbeatsMissed = 0;
        onlineCount = count;
        heartbeatReplies++;
    }

    /** The channel closed (or never connected); decide between reconnecting and closing for good. */
    void onConnectionLost(Channel ch, CloseStatus status) {
        if (ch != channel) {
            return;
        }
        channel = null;
        cancelTimers();
        lastClose = status;
        failPending(new JgoimClientException(ErrorCode.UNAVAILABLE, status,
                "connection closed: " + status.code() + " " + status.reason(), null));
        if (state == ClientState.CLOSED) {
            notifyClose(status, false);
            return;
        }
        boolean wasConnected = state == ClientState.CONNECTED;
        if (!everAuthenticated || status.isTerminal() || !config.reconnect()) {
            setState(ClientState.CLOSED);
            CompletableFuture<Void> first = firstConnect.get();
            if (first != null && !first.isDone()) {
                ErrorCode code = status.isTerminal() ? ErrorCode.UNAUTHORIZED : ErrorCode.UNAVAILABLE;
                first.completeExceptionally(new JgoimClientException(code, status,
                        "connection failed: " + status.code() + " " + status.reason(), null));
            }
            notifyClose(status, false);
            return;
        }
        long delay = reconnectPolicy.nextDelayNanos(wasConnected ? System.nanoTime() - authenticatedAtNanos : -1);
        setState(ClientState.RECONNECTING);
        notifyClose(status, true);
        loop.schedule(this::attemptConnect, delay, TimeUnit.NANOSECONDS);
    }

    private void cancelTimers() {
        cancel(heartbeatTask);
        cancel(authTimeoutTask);
        heartbeatTask = null;
        authTimeoutTask = null;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private void setState(ClientState s) {
        if (state == s) {
            return;
        }
        state = s;
        try {
            config.listener().onStateChange(this, s);
        } catch (RuntimeException e) {
            LOG.warn("listener onStateChange threw", e);
        }
    }

    private void notifyClose(CloseStatus status, boolean willReconnect) {
        try {
            config.listener().onClose(this, status, willReconnect);
        } catch (RuntimeException e) {
            LOG.warn("listener onClose threw", e);
        }
    }

    void deliverPush(int op, int pushSeq, ByteBuf body) {
        try {
            config.listener().onPush(this, op, pushSeq, body);
        } catch (RuntimeException e) {
            LOG.warn("listener onPush threw for op {}", op, e);
        }
    }

    boolean isAuthenticating(Channel ch) {
        return ch == channel && state == ClientState.AUTHENTICATING;
    }

}
