package io.jgoim.comet;

import io.jgoim.comet.admin.CometAdminRoutes;
import io.jgoim.comet.admin.CometControl;
import io.jgoim.comet.admin.DeferredCometAdmin;
import io.jgoim.common.admin.AdminRoutes;
import io.jgoim.common.logging.LogLevels;
import io.jgoim.protocol.rpc.CometAdminGrpcService;
import io.jgoim.protocol.rpc.CometAdminService;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.frame.NodeHints;
import io.jgoim.comet.node.CometAdmin;
import io.jgoim.comet.node.Listeners;
import io.jgoim.comet.node.NodeRegistration;
import io.jgoim.comet.node.OnlineReporter;
import io.jgoim.comet.node.RouteReannouncer;
import io.jgoim.comet.node.RpcListener;
import io.jgoim.comet.push.CometPushService;
import io.jgoim.comet.push.TracedCometService;
import io.jgoim.common.tracing.TracedConnect;
import io.jgoim.common.tracing.Tracing;
import io.opentelemetry.api.trace.SpanKind;
import io.jgoim.comet.push.RoomBroadcaster;
import io.jgoim.comet.session.SessionServices;
import io.jgoim.comet.stream.AckBatcher;
import io.jgoim.comet.stream.HistoryReads;
import io.jgoim.comet.transport.Transports;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.metrics.NodeMeters;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.LogicService;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The comet node: owns the listening sockets (TCP, TCP+TLS, WebSocket, WSS, gRPC, admin), the event loops, the
 * session index and the push service. No I/O in the constructor; {@link #start()} binds everything (port 0 allowed,
 * read the real ports from the accessors), throws if a bind fails, and in a cluster accepts clients only once every
 * job pushes to it ({@code registry.joinTimeout}); {@link #drain} moves the clients elsewhere without stopping;
 * {@link #close()} drains within {@code shutdown.drainTime}, idempotent, not restartable, not from an event loop.
 * Its collaborators: {@link CometOperations} (registry, drain, operator actions), {@link CometTimers} (periodic
 * tasks) and {@link CloseDeadline} (the close's time budget).
 */
public final class CometServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CometServer.class);

    private final CometConfig config;
    private final LogicService logic;
    private final Tracing tracing;
    private final NodeRegistry registry;
    private final PrometheusMeterRegistry meters;

    private Transports transports;
    private CometTimers timers;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Listeners listeners;
    private SessionLoops loops;
    private SessionIndex index;
    private SessionServices services;
    private CometMetrics metrics;
    private CometPushService pushService;
    private HistoryReads historyReads;
    private RpcListener rpc;
    private final CometAdmin admin;
    private NodeMeters.Share nodeMeters;
    private RouteReannouncer reannouncer;
    private volatile CometOperations operations;
    /** The operator's actions (admin port and gRPC CometAdmin); set once the registration and drain exist. */
    private volatile CometControl control;
    private InetSocketAddress rpcAddress;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * @param registry the node registry to join, or null (standalone)
     * @param meters   where the comet's meters go (standalone shares one registry among its nodes)
     */
    public CometServer(CometConfig config, LogicService logic, NodeRegistry registry, PrometheusMeterRegistry meters) {
        this.config = config;
        this.tracing = Tracing.start(config.tracing(), "comet", config.node().id(), meters);
        this.logic = TracedConnect.wrap(logic, tracing, SpanKind.CLIENT);
        this.registry = registry;
        this.meters = meters;
        this.admin = new CometAdmin(config, meters, this::isDraining, this::eventLoops);
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
        listeners = new Listeners(config, transports, boss, workers);
        loops = SessionLoops.of(workers);
        index = new SessionIndex(config.bucket().size(), config.bucket().channels(), loops);
        metrics = new CometMetrics(meters, config.tenants());
        RoomBroadcaster broadcaster = new RoomBroadcaster(loops, metrics, config.fanout().rollingChunk());
        historyReads = new HistoryReads(logic, config.history().cacheSize(), config.history().resumeTimeout(), metrics);
        index.onRoomOpened(historyReads::invalidate);
        pushService = new CometPushService(index, broadcaster, ByteBufAllocator.DEFAULT, metrics::repeatedRequest,
                historyReads, metrics.pushLatency(), metrics.tenantDeliveries(), metrics::pushRepeats);
        services = new SessionServices(config, logic, index, metrics, this::isDraining, this::drainHints,
                historyReads);
        services.authShedding().start();
        metrics.bindNode(config.node().id(), index::roomCount, loops::loop, loops.size(), broadcaster::backlog);
        nodeMeters = NodeMeters.bind(meters);

        listeners.bindClients(services);
        if (config.rpc().enabled()) {
            rpc = RpcListener.start(config, transports, boss, workers,
                    TracedCometService.grpcService(pushService, tracing),
                    new CometAdminGrpcService(new DeferredCometAdmin(config.node().id(), () -> control)), meters);
            rpcAddress = rpc.address();
        }
        timers = new CometTimers(boss.next());
        timers.every("ack flush", config.history().ackFlushInterval(), services.acks()::flush);
        reannouncer = new RouteReannouncer(loops, logic, config.node().id(), config.online().reannounceRate(), metrics);
        timers.every("online report", config.online().reportInterval(), new OnlineReporter(config.node().id(), index, logic,
                reannouncer));
        operations = new CometOperations(config, registry, () -> NodeRegistration.describe(config, tcpAddress(),
                wsAddress(), wssAddress(), rpcAddress), loops::sessionCount);
        operations.join(timers);
        control = operations.open(loops, index, timers, this::drain, this::isDraining);
        admin.start(boss, transports.serverChannel(), CometAdminRoutes.bindTo(new AdminRoutes(), control,
                LogLevels.backend(), services.limits().bans(), config.tenants()));
        listeners.open(); // after the join: no session before every job pushes to this comet
        log.info("comet {} started ({}): tcp={} tcpTls={} ws={} wss={} rpc={} admin={}", config.node().id(),
                transports, tcpAddress(), tcpTlsAddress(), wsAddress(), wssAddress(), rpcAddress, adminAddress());
    }

    /** The operator's actions on this comet (standalone's logic calls them directly). Valid after {@link #start()}. */
    public CometAdminService adminService() {
        return control;
    }

    /** The push entry point job uses: direct (in-process) calls, no gRPC. Valid after {@link #start()}. */
    public CometService pushService() {
        return TracedCometService.wrap(pushService, tracing);
    }

    public CometConfig config() {
        return config;
    }

    /** Readiness and liveness (the admin port's /health); the composition root adds logic and Redis probes. */
    public NodeHealth health() {
        return admin.health();
    }

    /**
     * The connect limits of the client listeners; {@code limits().bans()} is the ban list the admin API lists and
     * lifts. Null before {@link #start()}.
     */
    public io.jgoim.comet.limit.ConnectLimits limits() {
        return services == null ? null : services.limits();
    }

    public CometMetrics metrics() {
        return metrics;
    }

    /** How sessions read stream history, with the recent messages of room streams (tests and diagnostics). */
    public HistoryReads historyReads() {
        return historyReads;
    }

    /** The sessions' member-stream acks waiting for the next flush to logic (tests and diagnostics). */
    public AckBatcher acks() {
        return services.acks();
    }

    /** The session and room index (tests and diagnostics). */
    public SessionIndex index() {
        return index;
    }

    /** The adaptive shedding of the auth path (its limiter, and the CPU reading fixtures may replace); null before start. */
    public io.jgoim.comet.session.AuthShedding authShedding() {
        return services == null ? null : services.authShedding();
    }

    /** Connects waiting for logic's answer now ({@code protocol.maxPendingConnects} bounds them). */
    public int connectsPending() {
        return services == null ? 0 : services.admission().pending();
    }

    /** Authenticated sessions on this comet. */
    public int sessionCount() {
        return loops == null ? 0 : loops.sessionCount();
    }

    public InetSocketAddress tcpAddress() {
        return listeners == null ? null : listeners.tcp();
    }

    public InetSocketAddress tcpTlsAddress() {
        return listeners == null ? null : listeners.tcpTls();
    }

    public InetSocketAddress wsAddress() {
        return listeners == null ? null : listeners.ws();
    }

    public InetSocketAddress wssAddress() {
        return listeners == null ? null : listeners.wss();
    }

    public InetSocketAddress rpcAddress() {
        return rpcAddress;
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /** Every bound address (listeners that are disabled are left out). */
    public List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : new InetSocketAddress[] {tcpAddress(), tcpTlsAddress(), wsAddress(), wssAddress(),
                rpcAddress, adminAddress()}) {
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** True once {@link #drain} or {@link #close()} began: the node takes no new sessions. */
    public boolean isDraining() {
        CometOperations o = operations;
        return closed || (o != null && o.isDraining());
    }

    private NodeHints drainHints() {
        CometOperations o = operations;
        return o == null ? NodeHints.NONE : o.hints();
    }

    /**
     * Drains the comet without stopping it: new sessions are refused with {@link CloseCode#SHUTDOWN}, the node is
     * marked offline in the registry (logic and job stop offering it; pushes to the sessions left still arrive),
     * and the sessions are closed with SHUTDOWN in jittered batches over most of {@code time}, their goodbyes naming
     * other comets for extended clients. Idempotent: later calls (and {@link #close()}) join the first drain. Any
     * thread; valid after {@link #start()}.
     *
     * @return completes with the sessions still open when none is left or {@code time} passed; never fails
     */
    public CompletableFuture<Integer> drain(Duration time) {
        CompletableFuture<Integer> drained = operations == null ? null : operations.drainOrNull(time);
        if (drained == null) {
            throw new IllegalStateException("not started");
        }
        return drained;
    }

    /**
     * Graceful close: stop accepting, then the {@link #drain} (joined if it already runs) bounded by
     * {@code shutdown.drainTime}, then stop gRPC, admin and the event loops.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        CloseDeadline deadline = new CloseDeadline(config.shutdown().drainTime());
        if (listeners != null) {
            listeners.close();
        }
        if (reannouncer != null) {
            reannouncer.stop();
        }
        if (operations != null) {
            operations.awaitAtClose(config.shutdown().drainTime(), deadline.nanos());
        }
        if (timers != null) {
            timers.cancelAll();
        }
        if (services != null) {
            services.authShedding().close();
            services.acks().flush(); // the acks of the sessions the drain closed
        }
        // What is left of the drain time bounds the rest, with a small floor so each step gets a chance.
        if (rpc != null) {
            rpc.stop(deadline.remainingMillis(), CloseDeadline.MIN_STEP_MILLIS); // the server, then its own loops
        }
        admin.close();
        if (operations != null) {
            operations.deregister(Duration.ofMillis(deadline.remainingMillis()));
        }
        if (workers != null) {
            deadline.shutdown(workers);
        }
        if (boss != null) {
            deadline.shutdown(boss);
        }
        tracing.close();
        if (nodeMeters != null) {
            nodeMeters.close();
        }
        log.info("comet {} closed", config.node().id());
    }

    /** The event loops the liveness check probes: boss, session loops and the gRPC listener's own (null until set). */
    private List<EventLoopGroup> eventLoops() {
        RpcListener r = rpc;
        return java.util.Arrays.asList(boss, workers, r == null ? null : r.ownLoops());
    }
}
