package io.jgoim.logic.http;

import io.jgoim.common.session.SessionDirectory;
import io.jgoim.logic.admin.CometControls;
import io.jgoim.common.config.ConfigException;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.http.BoundedHttpAggregator;
import io.jgoim.common.http.ConnectionLimiter;
import io.jgoim.common.http.HttpRefusal;
import io.jgoim.common.http.HttpTimeouts;
import io.jgoim.common.http.PipelinedHttpHandler;
import io.jgoim.common.http.PipeliningPolicy;
import io.jgoim.common.metrics.EventLoopMeters;
import io.jgoim.common.net.AcceptErrorHandler;
import io.jgoim.common.logging.LogLevels;
import io.jgoim.logic.ApiKey;
import io.jgoim.logic.HttpConfig;
import io.jgoim.common.http.access.ApiKeyring;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.PushService;
import io.jgoim.logic.revoke.DenyList;
import io.jgoim.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Logic's HTTP listener: Netty's HTTP codec, an aggregator bounded by {@code http.maxBodyBytes} (a larger body gets
 * the API's JSON 413 and the connection is closed), then a {@link PipelinedHttpHandler} answering in request order
 * from the {@link ApiService} (the {@link Routes}), under the read timeouts of {@code http.headerTimeout},
 * {@code bodyTimeout} and {@code idleTimeout}; a connection over {@code http.maxConnectionsPerIp} from one address is
 * refused at once (429). With {@code http.apiKeys} set every route needs a key ({@link ApiGate}); without, the
 * listener starts only on a loopback address or with {@code http.allowOpen}. Owns its event loops.
 * {@link #start()} binds; {@link #close()} is idempotent.
 */
public final class LogicHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogicHttpServer.class);
    /** Requests one read (at most 64 KiB) can hold past the point where PipelinedHttpHandler stops reading. */
    static final int PIPELINE_HEADROOM = 8192;
    private final HttpConfig config;
    private final ApiService api;
    private final PipeliningPolicy pipelining;
    private final HttpTimeouts timeouts;
    private final ConnectionLimiter limiter;
    private final PrometheusMeterRegistry registry;
    private EventLoopGroup group;
    private Channel channel;

    /**
     * @param denyList the deny list the admin routes add to; {@code revokeFor} is their default lifetime
     * @param comets   the comets the cluster admin routes act on (kick, presence, weight, drain)
     */
    public LogicHttpServer(HttpConfig config, PushService push, OnlineAggregator online, NodeBalancer nodes,
                           DenyList denyList, java.time.Duration revokeFor, PrometheusMeterRegistry registry,
                           NodeHealth health, io.jgoim.common.tracing.Tracing tracing, SessionDirectory directory,
                           CometControls comets,
                           io.jgoim.logic.overload.LogicOverload overload,
                           io.jgoim.logic.tenant.Tenants tenants) {
        this.config = config;
        this.registry = registry;
        ApiKeyring keyring = config.apiKeys().isEmpty() ? null
                : new ApiKeyring(config.apiKeys(), registry, System::nanoTime);
        io.jgoim.logic.tenant.Tenants declared = tenants == null ? io.jgoim.logic.tenant.Tenants.single(registry)
                : tenants;
        this.api = new ApiService(new Routes(push, online, nodes,
                new AdminRoutes(denyList, revokeFor, java.time.Clock.systemUTC(), declared),
                new LogLevelRoutes(LogLevels.backend(), keyring),
                new ClusterAdminRoutes(directory, comets, keyring, declared)),
                keyring, registry, health, tracing, new PushShedding(overload.pushApi(), overload.pushApiShed()),
                config.demo().enabled() ? new DemoPages(DemoPages.ROOT) : null, declared);
        this.pipelining = new PipeliningPolicy(config.maxPipelinedRequests(),
                Counter.builder("jgoim.logic.http.read.pauses").description(
                        "times a connection's reads were paused: http.maxPipelinedRequests replies pending")
                        .register(registry),
                Counter.builder("jgoim.logic.http.connection.errors")
                        .description("HTTP connections closed by logic on an error").register(registry));
        this.timeouts = HttpTimeouts.counted(registry, "jgoim.logic.http.timeouts",
                "HTTP requests refused 408 (header, body) and connections closed idle, by timeout",
                config.headerTimeout(), config.bodyTimeout(), config.idleTimeout());
        this.limiter = new ConnectionLimiter(config.maxConnectionsPerIp(),
                Counter.builder("jgoim.logic.http.connections.refused").description(
                        "HTTP connections refused at once: their address held http.maxConnectionsPerIp")
                        .register(registry));
    }

    /**
     * Binds and returns the bound address (port 0 = any free port).
     *
     * @throws ConfigException when no API key is configured, {@code http.bind} is not a loopback address and
     *                         {@code http.allowOpen} is not set: an open push API reachable from the network
     */
    public synchronized InetSocketAddress start() {
        checkExposure(config);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        int threads = config.ioThreads() == 0 ? Runtime.getRuntime().availableProcessors() : config.ioThreads();
        // named, so a thread dump or a per-thread CPU profile tells the API's and /metrics' loops from the others
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("logic-http"), io);
        EventLoopMeters.bind(registry, "logic-http", group);
        int maxBody = config.maxBodyBytes();
        // Netty's codec closes a connection (dropping the replies still due) once more than maxPipelineDepth
        // requests wait for replies; PipelinedHttpHandler stops reading at maxPipelinedRequests instead, so the codec's
        // bound is only a backstop: above ours by more requests than one 64 KiB read can hold (>= 18 bytes each).
        int codecDepth = config.maxPipelinedRequests() + PIPELINE_HEADROOM;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .handler(new AcceptErrorHandler("logic-http", registry))
                .childOption(ChannelOption.TCP_NODELAY, true)
                // a client that half-closes after its requests still gets their replies (PipelinedHttpHandler)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!limiter.admit(ch)) {
                            ConnectionLimiter.refuse(ch, api.refuse(HttpRefusal.TOO_MANY_CONNECTIONS,
                                    "more than " + config.maxConnectionsPerIp() + " connections from one address"));
                            return;
                        }
                        ch.pipeline().addLast(new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(config.maxRequestLineBytes()), codecDepth),
                                new BoundedHttpAggregator(maxBody, LogicHttpServer::tooLarge),
                                new PipelinedHttpHandler(api, pipelining, timeouts));
                    }
                });
        try {
            channel = b.bind(config.bind(), config.port()).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the checked BindException undeclared
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            group = null;
            throw new IllegalStateException("cannot bind logic HTTP " + config.bind() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        return (InetSocketAddress) channel.localAddress();
    }

    /** The API's event loops, null before start and after close (the liveness check of logic). */
    public synchronized EventLoopGroup eventLoops() {
        return group;
    }

    public synchronized InetSocketAddress address() {
        return channel == null ? null : (InetSocketAddress) channel.localAddress();
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
            channel = null;
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }

    /** Refuses an open API (no keys) on an address other hosts can reach, unless the operator allowed it. */
    static void checkExposure(HttpConfig config) {
        if (!config.apiKeys().isEmpty()) {
            log.info("push API on {}:{} takes API keys {}", config.bind(), config.port(),
                    config.apiKeys().stream().map(ApiKey::id).toList());
            return;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(config.bind()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return; // the bind fails next, with its own message
        }
        if (loopback) {
            return;
        }
        if (!config.allowOpen()) {
            throw new ConfigException("http.apiKeys: the push API binds " + config.bind() + " without API keys; add"
                    + " a key (configs/logic.yaml shows how: openssl rand -hex 32) or bind 127.0.0.1"
                    + " (http.allowOpen: true starts it open anyway: unsafe)");
        }
        log.warn("push API open to anyone on {}:{} (http.allowOpen: true, no http.apiKeys): anyone who reaches it"
                + " can push to every session", config.bind(), config.port());
    }

    /** The API's own 413 JSON (code PAYLOAD_TOO_LARGE) for an oversized body, instead of Netty's empty 413. */
    private static FullHttpResponse tooLarge(int maxBodyBytes) {
        return ApiResponse.error(ErrorCode.PAYLOAD_TOO_LARGE, "request body larger than " + maxBodyBytes + " bytes");
    }
}
