package io.jgoim.comet;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.comet.bucket.Buckets;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.online.NodeRegistration;
import io.jgoim.comet.online.OnlineReporter;
import io.jgoim.comet.push.CometPushService;
import io.jgoim.comet.room.MemberList;
import io.jgoim.comet.room.RoomBroadcaster;
import io.jgoim.comet.room.SessionLoops;
import io.jgoim.comet.session.Session;
import io.jgoim.comet.session.SessionServices;
import io.jgoim.comet.transport.TcpChannelInitializer;
import io.jgoim.comet.transport.TlsContexts;
import io.jgoim.comet.transport.Transports;
import io.jgoim.comet.transport.WebSocketChannelInitializer;
import io.jgoim.common.metrics.MetricsHttpServer;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.rpc.CometGrpcService;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.LogicService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The comet node: owns the listening sockets (TCP, TCP+TLS, WebSocket, WSS, gRPC, admin), the event loops, the
 * bucket index and the push service. No I/O in the constructor; {@link #start()} binds everything (port 0 allowed,
 * read the real ports from the accessors) and throws if a bind fails; {@link #close()} drains gracefully within
 * {@code shutdown.drainTime} and is idempotent. Not restartable. Call {@code close()} from a thread that is not one
 * of the comet's event loops.
 */
public final class CometServer implements AutoCloseable {
    /**
     * Read buffer sizing for every session: Netty's default, but one shared instance (it holds only its settings;
     * each channel still gets its own handle), where Netty would create one per channel (32 bytes per session).
     */
    private static final AdaptiveRecvByteBufAllocator RECV_ALLOCATOR = new AdaptiveRecvByteBufAllocator();

    private static final Logger log = LoggerFactory.getLogger(CometServer.class);

    private final CometConfig config;
    private final LogicService logic;
    private final NodeRegistry registry;
    private final PrometheusMeterRegistry meters;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    private Transports transports;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private SessionLoops loops;
    private Buckets buckets;
    private CometMetrics metrics;
    private CometPushService pushService;
    private Server rpcServer;
    private MetricsHttpServer admin;
    private NodeRegistration registration;
    private InetSocketAddress tcpAddress;
    private InetSocketAddress tcpTlsAddress;
    private InetSocketAddress wsAddress;
    private InetSocketAddress wssAddress;
    private InetSocketAddress rpcAddress;
    private InetSocketAddress adminAddress;
    private volatile boolean started;
    private volatile boolean draining;
    private volatile boolean closed;

    /**
     * @param registry the node registry to join, or null (standalone)
     * @param meters   where the comet's meters go (standalone shares one registry among its nodes)
     */
    public CometServer(CometConfig config, LogicService logic, NodeRegistry registry, PrometheusMeterRegistry meters) {
        this.config = config;
        this.logic = logic;
        this.registry = registry;
        this.meters = meters;
    }

    /** Binds every enabled listener and starts the periodic reports. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            doStart();
        } catch (Throwable e) {
            close();
            throw e;
        }
    }

    private void doStart() {
        transports = Transports.select(config.transport().type());
        boss = transports.newGroup(config.transport().bossThreads(), "comet-boss");
        workers = transports.newGroup(config.transport().workerThreadsOrCpus(), "comet-io");
        loops = SessionLoops.of(workers);
        buckets = new Buckets(config.bucket().size(), config.bucket().channels(), loops.size());
        metrics = new CometMetrics(meters);
        RoomBroadcaster broadcaster = new RoomBroadcaster(loops, metrics);
        pushService = new CometPushService(buckets, broadcaster, ByteBufAllocator.DEFAULT, metrics::repeatedRequest);
        SessionServices services = new SessionServices(config, logic, buckets, loops, metrics,
                () -> draining);
        registerGauges();

        SslContext ssl = null;
        if ((config.tcp().enabled() && config.tcp().tlsEnabled()) || config.wss().enabled()) {
            ssl = TlsContexts.server(config.tls());
        }
        CometConfig.TcpConfig tcp = config.tcp();
        if (tcp.enabled()) {
            tcpAddress = bind(tcp.bind(), tcp.port(), new TcpChannelInitializer(services, null));
            if (tcp.tlsEnabled()) {
                tcpTlsAddress = bind(tcp.bind(), tcp.tlsPort(), new TcpChannelInitializer(services, ssl));
            }
        }
        if (config.webSocket().enabled()) {
            wsAddress = bind(config.webSocket().bind(), config.webSocket().port(),
                    new WebSocketChannelInitializer(services, null));
        }
        if (config.wss().enabled()) {
            wssAddress = bind(config.wss().bind(), config.wss().port(), new WebSocketChannelInitializer(services, ssl));
        }
        if (config.rpc().enabled()) {
            startRpc();
        }
        if (config.admin().enabled()) {
            admin = new MetricsHttpServer(meters, () -> !draining);
            adminAddress = admin.start(boss, transports.serverChannel(), config.admin().bind(), config.admin().port());
        }
        long report = config.online().reportInterval().toMillis();
        EventExecutor timerLoop = boss.next();
        timers.add(timerLoop.scheduleAtFixedRate(new OnlineReporter(config.node().id(), buckets, logic),
                report, report, TimeUnit.MILLISECONDS));
        if (registry != null && config.registry().enabled()) {
            registration = new NodeRegistration(registry, nodeInfo(), config.registry().ttl(), loops::sessionCount);
            registration.run();
            long refresh = config.registry().refreshInterval().toMillis();
            timers.add(timerLoop.scheduleAtFixedRate(registration, refresh, refresh, TimeUnit.MILLISECONDS));
        }
        log.info("comet {} started ({}): tcp={} tcpTls={} ws={} wss={} rpc={} admin={}", config.node().id(),
                transports, tcpAddress, tcpTlsAddress, wsAddress, wssAddress, rpcAddress, adminAddress);
    }

    private InetSocketAddress bind(String host, int port, ChannelHandler initializer) {
        CometConfig.TcpConfig tcp = config.tcp();
        CometConfig.OutboundConfig out = config.outbound();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, tcp.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, tcp.noDelay())
                .childOption(ChannelOption.SO_KEEPALIVE, tcp.keepAlive())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECV_ALLOCATOR)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(out.lowWaterMarkBytes(), out.highWaterMarkBytes()))
                .childHandler(initializer);
        if (tcp.sendBufferBytes() > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, tcp.sendBufferBytes());
        }
        if (tcp.receiveBufferBytes() > 0) {
            b.childOption(ChannelOption.SO_RCVBUF, tcp.receiveBufferBytes());
        }
        Channel ch;
        try {
            ch = b.bind(host, port).syncUninterruptibly().channel();
        } catch (Exception e) {
            // syncUninterruptibly rethrows the checked BindException as is; name the listener instead.
            throw new IllegalStateException("cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
        }
        listeners.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    private void startRpc() {
        try {
            rpcServer = NettyServerBuilder.forAddress(new InetSocketAddress(config.rpc().bind(), config.rpc().port()))
                    .channelType(transports.serverChannel())
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers)
                    // The push service never blocks, so the gRPC transport thread may call it directly.
                    .directExecutor()
                    .maxInboundMessageSize(config.rpc().maxInboundMessageBytes())
                    .addService(new CometGrpcService(pushService))
                    .build()
                    .start();
            rpcAddress = (InetSocketAddress) rpcServer.getListenSockets().get(0);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("rpc: cannot bind " + config.rpc().bind() + ":" + config.rpc().port(), e);
        }
    }

    private void registerGauges() {
        metrics.gauge("jgoim_comet_rooms", "node", config.node().id(), buckets::roomCount);
        for (int i = 0; i < loops.size(); i++) {
            EventExecutor loop = loops.loop(i);
            if (loop instanceof SingleThreadEventExecutor) {
                SingleThreadEventExecutor st = (SingleThreadEventExecutor) loop;
                metrics.gauge("jgoim_comet_event_loop_pending_tasks", "loop", Integer.toString(i), st::pendingTasks);
            }
        }
    }

    private NodeInfo nodeInfo() {
        String host = config.node().host();
        List<String> tcp = new ArrayList<>();
        if (tcpAddress != null) {
            tcp.add(host + ":" + tcpAddress.getPort());
        }
        List<String> ws = wsAddress == null ? List.of() : List.of(host + ":" + wsAddress.getPort());
        List<String> wss = wssAddress == null ? List.of() : List.of(host + ":" + wssAddress.getPort());
        String rpc = rpcAddress == null ? "" : host + ":" + rpcAddress.getPort();
        return new NodeInfo(config.node().id(), config.node().region(), config.node().weight(), tcp, ws, wss, rpc, 0,
                false, System.currentTimeMillis());
    }

    /** The push entry point job uses: direct (in-process) calls, no gRPC. Valid after {@link #start()}. */
    public CometService pushService() {
        return pushService;
    }

    public CometConfig config() {
        return config;
    }

    public CometMetrics metrics() {
        return metrics;
    }

    /** The session and room index (tests and diagnostics). */
    public Buckets buckets() {
        return buckets;
    }

    /** Authenticated sessions on this comet. */
    public int sessionCount() {
        return loops == null ? 0 : loops.sessionCount();
    }

    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    public InetSocketAddress tcpTlsAddress() {
        return tcpTlsAddress;
    }

    public InetSocketAddress wsAddress() {
        return wsAddress;
    }

    public InetSocketAddress wssAddress() {
        return wssAddress;
    }

    public InetSocketAddress rpcAddress() {
        return rpcAddress;
    }

    public InetSocketAddress adminAddress() {
        return adminAddress;
    }

    /** Every bound address (listeners that are disabled are left out). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : new InetSocketAddress[] {tcpAddress, tcpTlsAddress, wsAddress, wssAddress,
                rpcAddress, adminAddress}) {
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** True once {@link #close()} began: the node takes no new sessions. */
    public boolean isDraining() {
        return draining;
    }

    /**
     * Graceful close: stop accepting, mark the node offline, close sessions with {@link CloseCode#SHUTDOWN} in
     * jittered batches over most of {@code shutdown.drainTime}, then stop gRPC, admin and the event loops.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        long drainNanos = config.shutdown().drainTime().toNanos();
        long deadline = System.nanoTime() + drainNanos;
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        if (registration != null) {
            registration.markOffline();
        }
        if (loops != null) {
            drainSessions(drainNanos * 8 / 10);
            while (loops.sessionCount() > 0 && System.nanoTime() < deadline) {
                sleep(10);
            }
            if (loops.sessionCount() > 0) {
                log.warn("{} sessions still open after the drain time; closing them", loops.sessionCount());
            }
        }
        for (ScheduledFuture<?> t : timers) {
            t.cancel(false);
        }
        // What is left of the drain time bounds the rest, with a small floor so each step gets a chance.
        if (rpcServer != null) {
            rpcServer.shutdown();
            try {
                if (!rpcServer.awaitTermination(remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
                    rpcServer.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rpcServer.shutdownNow();
            }
        }
        if (admin != null) {
            admin.close();
        }
        if (registration != null) {
            registration.deregister(Duration.ofMillis(remainingMillis(deadline)));
        }
        if (workers != null) {
            workers.shutdownGracefully(0, remainingMillis(deadline), TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, remainingMillis(deadline), TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
        log.info("comet {} closed", config.node().id());
    }

    /** Schedules, on each loop, the SHUTDOWN close of its sessions in jittered batches ({@code closeBatches}). */
    private void drainSessions(long windowNanos) {
        int batches = config.shutdown().closeBatches();
        for (int i = 0; i < loops.size(); i++) {
            final int loopIndex = i;
            EventExecutor loop = loops.loop(i);
            loop.execute(() -> {
                MemberList list = loops.sessions(loopIndex);
                int n = list.size();
                if (n == 0) {
                    return;
                }
                Session[] snapshot = new Session[n];
                for (int k = 0; k < n; k++) {
                    snapshot[k] = list.get(k);
                }
                int perBatch = (n + batches - 1) / batches;
                long step = windowNanos / batches;
                for (int b = 0; b * perBatch < n; b++) {
                    int from = b * perBatch;
                    int to = Math.min(n, from + perBatch);
                    long jitter = step > 1 ? ThreadLocalRandom.current().nextLong(step / 2 + 1) : 0;
                    long delay = b == 0 ? 0 : b * step + jitter - step / 4;
                    loop.schedule(() -> {
                        for (int k = from; k < to; k++) {
                            snapshot[k].close(CloseCode.SHUTDOWN);
                        }
                    }, Math.max(0, delay), TimeUnit.NANOSECONDS);
                }
            });
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
