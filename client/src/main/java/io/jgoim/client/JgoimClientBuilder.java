package io.jgoim.client;

import io.jgoim.protocol.stream.StreamPosition;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Builds a {@link JgoimClient}. Defaults: TCP, path {@code /sub}, heartbeat every 30 s (3 missed replies close the
 * connection), connect and auth timeouts 10 s, request timeout 10 s, reconnect on with backoff 1 s .. 30 s reset
 * after 30 s of stability, extended (ver 2) auth on, positions (ver 3) off. Not thread-safe; build once per client.
 */
public final class JgoimClientBuilder {
    private String host = "127.0.0.1";
    private int port = 3101;
    private Transport transport = Transport.TCP;
    private String path = "/sub";
    private SslContext sslContext;
    private byte[] token;
    private Duration heartbeatInterval = Duration.ofSeconds(30);
    private boolean heartbeatFixed;
    private int heartbeatMaxMissed = 3;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration authTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private boolean reconnect = true;
    private Duration backoffMin = Duration.ofSeconds(1);
    private Duration backoffMax = Duration.ofSeconds(30);
    private Duration stablePeriod = Duration.ofSeconds(30);
    private InetAddress localAddress;
    private boolean extended = true;
    private int maxFrameBytes = 16 * 1024 * 1024;
    private int maxRequestBodyBytes = io.jgoim.protocol.PacketLayout.DEFAULT_MAX_BODY;
    private ClientListener listener = new ClientListener() {
    };
    private EventLoopGroup group;
    private List<String> addresses = List.of();
    private URI nodesUrl;
    private boolean positions;
    private TokenRefresher tokenRefresher;
    private Duration ackInterval = Duration.ofSeconds(1);
    private List<StreamPosition> resumeFrom = List.of();
    private Duration firstConnectTimeout = DEFAULT_FIRST_CONNECT_TIMEOUT;

    /**
     * How long a first connect keeps retrying retryable refusals by default: two minutes outlast the longest wait a
     * comet's rate limit names (30 s) several times over, a comet's restart or drain, and a short outage of logic,
     * yet an application that waits on {@link JgoimClient#connect()} still hears within minutes that something lasting
     * is wrong (no comet there, a ban of its address, whose default is 5 minutes).
     */
    public static final Duration DEFAULT_FIRST_CONNECT_TIMEOUT = Duration.ofMinutes(2);

    JgoimClientBuilder() {
    }

    /** The comet's host (one address; see {@link #addresses} for several). */
    public JgoimClientBuilder host(String host) {
        this.host = host;
        this.addresses = List.of();
        return this;
    }

    public JgoimClientBuilder port(int port) {
        this.port = port;
        this.addresses = List.of();
        return this;
    }

    /**
     * Several comets to fail over between, {@code host:port} each, tried in this order (replaces {@link #host} and
     * {@link #port}, which become the first address). A draining comet's hints are tried before them.
     */
    public JgoimClientBuilder addresses(String... addresses) {
        return addresses(List.of(addresses));
    }

    /** See {@link #addresses(String...)}. */
    public JgoimClientBuilder addresses(List<String> addresses) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one address");
        }
        this.addresses = List.copyOf(addresses);
        this.host = NodeLists.host(addresses.get(0));
        this.port = NodeLists.port(addresses.get(0));
        return this;
    }

    /**
     * Logic's node list, e.g. {@code http://logic:3111/goim/nodes/weighted?platform=web}: fetched before the first
     * attempt and after each round of addresses; its nodes are tried before the bootstrap addresses. A URL without
     * {@code platform} gets {@code web} for WebSocket, {@code tcp} for TCP. Plain TCP and WebSocket only.
     */
    public JgoimClientBuilder nodesUrl(String url) {
        this.nodesUrl = URI.create(url);
        return this;
    }

    public JgoimClientBuilder transport(Transport transport) {
        this.transport = transport;
        return this;
    }

    /** The WebSocket path; goim's is {@code /sub}. */
    public JgoimClientBuilder path(String path) {
        this.path = path;
        return this;
    }

    /** A client TLS context (for {@link Transport#TCP_TLS} and {@link Transport#WEBSOCKET_TLS}). */
    public JgoimClientBuilder sslContext(SslContext sslContext) {
        this.sslContext = sslContext;
        return this;
    }

    /** The auth frame's body as it is (a JWT, or any token the server's authenticator reads). */
    public JgoimClientBuilder token(byte[] token) {
        this.token = token.clone();
        return this;
    }

    public JgoimClientBuilder token(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** goim's JSON token, see {@link GoimToken}. */
    public JgoimClientBuilder goimToken(long memberId, String key, String roomId, String platform, int... accepts) {
        this.token = GoimToken.json(memberId, key, roomId, platform, accepts);
        return this;
    }

    /**
     * A fixed heartbeat interval. Without it the client keeps the interval a jgoim comet advises to extended
     * clients, and 30 s with goim comets (which advise nothing).
     */
    public JgoimClientBuilder heartbeatInterval(Duration interval) {
        this.heartbeatInterval = interval;
        this.heartbeatFixed = true;
        return this;
    }

    public JgoimClientBuilder heartbeatMaxMissed(int missed) {
        this.heartbeatMaxMissed = missed;
        return this;
    }

    public JgoimClientBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    public JgoimClientBuilder authTimeout(Duration timeout) {
        this.authTimeout = timeout;
        return this;
    }

    public JgoimClientBuilder requestTimeout(Duration timeout) {
        this.requestTimeout = timeout;
        return this;
    }

    /**
     * Whether the client retries by itself: reconnects after a lost connection, and the first connect's retries of a
     * retryable refusal (see {@link #firstConnectTimeout}). Off: a first connect tries each address once, and a lost
     * connection closes the client.
     */
    public JgoimClientBuilder reconnect(boolean reconnect) {
        this.reconnect = reconnect;
        return this;
    }

    /** Reconnect waits: full jitter between {@code min} and an exponential ceiling capped at {@code max}. */
    public JgoimClientBuilder backoff(Duration min, Duration max) {
        this.backoffMin = min;
        this.backoffMax = max;
        return this;
    }

    /**
     * How long {@link JgoimClient#connect()} may keep retrying (default {@link #DEFAULT_FIRST_CONNECT_TIMEOUT}): a first
     * attempt refused with a retryable code (4000-4499: rate limit, per-address cap, ban, overload, drain, logic
     * unavailable) or lost to a transport failure (connection refused, timeout) is retried after the reconnect
     * policy's wait (a refusal's {@code retry-after} included), until a session authenticates, a terminal code
     * refuses it, or the next attempt could not start within this time after connect() was called; then connect()
     * fails with the last refusal. {@link Duration#ZERO}: each address is tried once, at once (no waiting). A very
     * long duration retries until {@link JgoimClient#close()}, as centrifuge-js does.
     */
    public JgoimClientBuilder firstConnectTimeout(Duration timeout) {
        this.firstConnectTimeout = timeout;
        return this;
    }

    /** A connection that lived at least this long resets the backoff. */
    public JgoimClientBuilder stablePeriod(Duration period) {
        this.stablePeriod = period;
        return this;
    }

    /** The local source address to bind, or null for the system's choice. */
    public JgoimClientBuilder localAddress(InetAddress address) {
        this.localAddress = address;
        return this;
    }

    /** Authenticate with ver 2 to receive jgoim's extension frames (default true); false acts as a goim client. */
    public JgoimClientBuilder extended(boolean extended) {
        this.extended = extended;
        return this;
    }

    /**
     * Ask for stream positions (auth ver 3; default false): everything the extended protocol does, and messages of
     * streams that keep history arrive with their stream and position ({@link ClientListener#onPublication}), are
     * deduplicated by offset, and after a reconnect the client sends its last positions so the server replays what it
     * missed ({@link ClientListener#onStreamState} says whether it could). Needs {@code extended(true)}, the default.
     */
    public JgoimClientBuilder positions(boolean positions) {
        this.positions = positions;
        return this;
    }

    /**
     * With {@link #positions(boolean) positions}: the client acknowledges its member stream ({@code mid:<mid>}, op 22,
     * cumulative) at most once per {@code interval} (default 1 s) while its position advanced, plus once right after a
     * resume, never once per message. Acks let must-deliver pushes leave the member's history once every device
     * acknowledged them.
     */
    public JgoimClientBuilder ackInterval(Duration interval) {
        this.ackInterval = interval;
        return this;
    }

    /**
     * With {@link #positions(boolean) positions}: resume from these positions at the first auth, as after a reconnect
     * (an app that stored {@link JgoimClient#positions()} and its session key before it stopped). Keep the key the
     * same (in the token): a device is its key, and must-deliver messages wait for it.
     */
    public JgoimClientBuilder resumeFrom(Collection<StreamPosition> positions) {
        this.resumeFrom = List.copyOf(positions);
        return this;
    }

    public JgoimClientBuilder maxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        return this;
    }

    /** The largest request body the client sends (default goim's 4096); larger requests fail locally. */
    public JgoimClientBuilder maxRequestBodyBytes(int max) {
        this.maxRequestBodyBytes = max;
        return this;
    }

    /**
     * Refresh the token before it expires: the client asks {@code refresher} for a new one at the later of 30 s
     * before exp and half the time left, and sends it with op 23 (extended clients only). Without one, a session
     * whose token expires is closed with TOKEN_EXPIRED (4014) unless {@link JgoimClient#refreshToken} was called.
     * After a TOKEN_EXPIRED close (of a session, or of a first connect's attempt) the client asks it for a new token
     * before it authenticates again.
     */
    public JgoimClientBuilder tokenRefresher(TokenRefresher refresher) {
        this.tokenRefresher = refresher;
        return this;
    }

    public JgoimClientBuilder listener(ClientListener listener) {
        this.listener = listener;
        return this;
    }

    /** Share this event loop group (owned by the caller) instead of creating one per client. */
    public JgoimClientBuilder group(EventLoopGroup group) {
        this.group = group;
        return this;
    }

    private static URI withPlatform(URI url, Transport transport) {
        if (url == null || (url.getQuery() != null && url.getQuery().contains("platform="))) {
            return url;
        }
        String platform = "platform=" + (transport.isWebSocket() ? "web" : "tcp");
        String s = url.toString();
        return URI.create(s + (url.getQuery() == null ? "?" : "&") + platform);
    }

    /** Builds the client without connecting. */
    public JgoimClient build() {
        if (token == null) {
            throw new IllegalStateException("a token is required: token(...) or goimToken(...)");
        }
        ClientConfig config = new ClientConfig(host, port, transport, path, sslContext, token, heartbeatInterval,
                heartbeatMaxMissed, connectTimeout, authTimeout, requestTimeout, reconnect, backoffMin,
                backoffMax, stablePeriod, localAddress, extended, maxFrameBytes, maxRequestBodyBytes,
                extended && !heartbeatFixed, listener, addresses, withPlatform(nodesUrl, transport), positions,
                tokenRefresher, ackInterval, resumeFrom, firstConnectTimeout);
        return new JgoimClient(config, group);
    }
}
