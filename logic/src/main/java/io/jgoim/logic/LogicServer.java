package io.jgoim.logic;

import io.jgoim.logic.admin.CometControls;
import io.jgoim.logic.admin.RegistryCometControls;
import io.jgoim.logic.admin.SwitchableCometControls;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.grpc.GrpcServerLoops;
import io.jgoim.common.grpc.KeepAlive;
import io.grpc.protobuf.services.HealthStatusManager;
import io.jgoim.common.health.EventLoopsCheck;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.tls.NodeSslContexts;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.metrics.NodeMeters;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.common.tracing.GrpcTracing;
import io.jgoim.common.tracing.TracedConnect;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.logic.auth.Authenticator;
import io.jgoim.logic.auth.ConnectProxy;
import io.jgoim.logic.auth.GoimTokenAuthenticator;
import io.jgoim.logic.auth.JwtAuthenticator;
import io.jgoim.logic.auth.UnsignedTokenWarning;
import io.jgoim.logic.history.StreamHistory;
import io.jgoim.logic.http.LogicHttpServer;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.overload.LogicOverload;
import io.jgoim.logic.overload.ShedConnect;
import io.jgoim.logic.push.PushService;
import io.jgoim.logic.push.UpstreamPublisher;
import io.jgoim.logic.revoke.DenyList;
import io.jgoim.logic.revoke.InMemoryDenyList;
import io.jgoim.logic.service.LocalLogicService;
import io.jgoim.logic.upstream.CommentSink;
import io.jgoim.logic.upstream.UpstreamRouter;
import io.jgoim.protocol.rpc.LogicGrpcService;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.PushPublisher;
import io.jgoim.protocol.rpc.logic.LogicGrpc;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The logic node: the Logic service for comets (gRPC, or {@link #service()} called directly in standalone), the HTTP
 * push API (with /metrics and /health) and the online-count aggregation. The constructor wires everything and does
 * no I/O; {@link #start()} binds the listeners (port 0 allowed, see {@link #httpAddress()}, {@link #grpcAddress()});
 * {@link #close()} is idempotent. In goim mode it warns at start when unsigned tokens are reachable from the network
 * ({@link UnsignedTokenWarning}). The session directory, bus, node registry and meter registry are injected and not
 * owned (the caller closes them); the upstream publisher is not owned either, nor is the history store: with one,
 * the streams {@code history} config enables keep history and get positions (member pushes are sequenced at publish,
 * comets' History calls are answered); without one (null) no stream does, whatever the config says. It owns the
 * upstream router's and the connect proxy's HTTP clients (closed with it).
 */
public final class LogicServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogicServer.class);

    private final LogicConfig config;
    private final NodeRegistry nodes;
    private final UnsignedTokenWarning unsignedOrNull;
    private final OnlineAggregator online;
    private final PushService push;
    private final Tracing tracing;
    /** The service gRPC serves: Connect in a span when tracing is on. */
    private final LogicService traced;
    private final LocalLogicService service;
    /** {@link #service} with adaptive shedding on Connect: what gRPC and direct callers reach. */
    private final LogicService guarded;
    private final LogicOverload overload;
    private final UpstreamRouter upstreamRouter;
    private final ConnectProxy connectProxy;
    private final LogicHttpServer http;
    /** The comets the cluster admin routes act on: the registry's over gRPC, or standalone's own. */
    private final SwitchableCometControls comets;
    private final HealthStatusManager grpcHealth = new HealthStatusManager();
    private final NodeHealth health;
    private volatile boolean running;
    private Server grpc;
    /** The gRPC server's own event loops (its listener answers failed accepts), null while it is off. */
    private GrpcServerLoops grpcLoops;
    private boolean started;
    private boolean closed;
    private NodeMeters.Share nodeMeters;
    private final PrometheusMeterRegistry registry;

    /** Upstream client messages (Receive) are counted and dropped; use the other constructor to publish them. */
    public LogicServer(LogicConfig config, SessionDirectory directory, PushPublisher bus, NodeRegistry nodes,
                       PrometheusMeterRegistry registry) {
        this(config, directory, bus, nodes, registry, UpstreamPublisher.DISCARD);
    }

    /** No history store: no stream keeps history. */
    public LogicServer(LogicConfig config, SessionDirectory directory, PushPublisher bus, NodeRegistry nodes,
                       PrometheusMeterRegistry registry, UpstreamPublisher upstream) {
        this(config, directory, bus, nodes, registry, upstream, null);
    }

    /** @param historyOrNull the history store (Redis in a cluster, memory in standalone), or null for none */
    public LogicServer(LogicConfig config, SessionDirectory directory, PushPublisher bus, NodeRegistry nodes,
                       PrometheusMeterRegistry registry, UpstreamPublisher upstream, HistoryStore historyOrNull) {
        this(config, directory, bus, nodes, registry, upstream, historyOrNull, new InMemoryDenyList(Clock.systemUTC()));
    }

    /**
     * @param historyOrNull the history store (Redis in a cluster, memory in standalone), or null for none
     * @param denyList      the revoked tokens, keys and members (Redis in a cluster, memory in standalone); not owned
     */
    public LogicServer(LogicConfig config, SessionDirectory directory, PushPublisher bus, NodeRegistry nodes,
                       PrometheusMeterRegistry registry, UpstreamPublisher upstream, HistoryStore historyOrNull,
                       DenyList denyList) {
        this(config, directory, bus, nodes, registry, upstream, historyOrNull, denyList, CommentSink.NONE);
    }

    /**
     * @param historyOrNull the history store (Redis in a cluster, memory in standalone), or null for none
     * @param denyList      the revoked tokens, keys and members (Redis in a cluster, memory in standalone); not owned
     * @param comments      where {@code comment} upstream routes send comments (job's event path in standalone, the
     *                      comment topic in a cluster); not owned
     */
    public LogicServer(LogicConfig config, SessionDirectory directory, PushPublisher bus, NodeRegistry nodes,
                       PrometheusMeterRegistry registry, UpstreamPublisher upstream, HistoryStore historyOrNull,
                       DenyList denyList, CommentSink comments) {
        this.config = config;
        this.nodes = nodes;
        this.registry = registry;
        Clock clock = Clock.systemUTC();
        boolean jwt = AuthConfig.JWT.equals(config.auth().mode());
        this.unsignedOrNull = jwt ? null : UnsignedTokenWarning.toLog(log);
        Authenticator auth = jwt
                ? new JwtAuthenticator(config.auth().jwt(), config.tenants().claim())
                : new GoimTokenAuthenticator(unsignedOrNull, config.tenants().claim());
        io.jgoim.logic.tenant.Tenants tenants = new io.jgoim.logic.tenant.Tenants(config.tenants(), registry);
        NodeBalancer balancer = new NodeBalancer(config.nodes(), nodes, clock);
        this.online = new OnlineAggregator(directory, config.online().aggregateInterval(), registry);
        StreamHistory history = historyOrNull == null
                ? StreamHistory.none() : new StreamHistory(historyOrNull, config.history());
        this.tracing = Tracing.start(config.tracing(), "logic", config.node().id(), registry);
        this.push = new PushService(directory, bus, history, registry, clock, tracing);
        this.upstreamRouter = UpstreamRouter.of(config.upstream(), upstream, comments, registry);
        this.connectProxy = config.auth().connectProxy().enabled()
                ? new ConnectProxy(config.auth().connectProxy()) : null;
        this.service = new LocalLogicService(config, auth, directory, upstreamRouter, connectProxy, online, balancer,
                history, denyList, tenants, registry);
        this.overload = new LogicOverload(config.overload(), registry);
        this.guarded = new ShedConnect(service, overload.connect(), overload.connectShed());
        this.health = new NodeHealth(config.node().id(), config.health(), config.http().enabled() ? registry : null);
        health.condition("stopped", () -> !running, "logic is not started or is stopping");
        this.traced = TracedConnect.wrap(guarded, tracing, SpanKind.SERVER);
        this.comets = new SwitchableCometControls(new RegistryCometControls(nodes, config.http().adminComets()));
        this.http = config.http().enabled() ? new LogicHttpServer(config.http(), push, online, balancer, denyList,
                config.auth().revokeFor(), registry, health, tracing, directory, comets, overload, tenants) : null;
        if (http != null) {
            health.liveCheck("api-event-loops", new EventLoopsCheck(() -> java.util.Collections.singletonList(
                    http.eventLoops())));
        }
    }

    /** Binds the enabled listeners and starts aggregating online counts. Not restartable. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        nodeMeters = NodeMeters.bind(registry);
        overload.start();
        online.start();
        try {
            if (http != null) {
                http.start();
            }
            if (config.grpc().enabled()) {
                grpcLoops = GrpcServerLoops.start("logic-grpc", registry);
                grpc = grpcLoops.applyTo(KeepAlive.permit(NettyServerBuilder
                        .forAddress(new InetSocketAddress(config.grpc().bind(), config.grpc().port()))))
                        .sslContext(NodeSslContexts.grpcServer(config.grpc().tls(), "grpc.tls"))
                        // LogicService never blocks, so calls run on the transport threads without a hop.
                        .directExecutor()
                        .maxConnectionIdle(config.grpc().maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS)
                        .addService(tracing.enabled()
                                ? ServerInterceptors.intercept(new LogicGrpcService(traced), GrpcTracing.server())
                                : new LogicGrpcService(guarded).bindService())
                        // gRPC health: comets' round_robin skips a node that is not SERVING (set NOT_SERVING
                        // first thing at close, so comets move new calls off while in-flight ones finish).
                        .addService(grpcHealth.getHealthService())
                        .build()
                        .start();
                grpcHealth.setStatus(LogicGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot bind logic gRPC " + config.grpc().bind() + ":"
                    + config.grpc().port(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        running = true;
        health.start();
        log.info("logic {} started: http {} grpc {}", config.node().id(), httpAddress(), grpcAddress());
        warnIfUnsignedTokensAreExposed();
    }

    /**
     * goim mode only. The registry answers asynchronously (Redis), so the block may follow the start line; the
     * timeout is on a copy because the registry may share its future.
     */
    private void warnIfUnsignedTokensAreExposed() {
        if (unsignedOrNull == null) {
            return;
        }
        String grpcBind = config.grpc().enabled() ? config.grpc().bind() : null;
        nodes.nodes().copy().orTimeout(5, TimeUnit.SECONDS).whenComplete((list, error) -> {
            List<String> addresses = new ArrayList<>();
            for (NodeInfo n : list == null ? List.<NodeInfo>of() : list) {
                addresses.addAll(n.tcpAddrs());
                addresses.addAll(n.wsAddrs());
                addresses.addAll(n.wssAddrs());
            }
            unsignedOrNull.atStart(grpcBind, addresses);
        });
    }

    /** The Logic service, for direct calls (standalone) and for the gRPC adapter. */
    public LogicService service() {
        return guarded;
    }

    /** The adaptive shedding of this node (its limiters, and the CPU reading fixtures may replace). */
    public LogicOverload overload() {
        return overload;
    }

    /**
     * Points the cluster admin routes ({@code /goim/admin/kick}, presence, comet weight and drain) at these comets
     * instead of the node registry's over gRPC: standalone's in-process comet. Any time; later calls win.
     */
    public void useComets(CometControls inProcess) {
        comets.use(inProcess);
    }

    /** The push API without HTTP (standalone, tests). */
    public PushService pushService() {
        return push;
    }

    /**
     * Readiness and liveness, served on the API's port. The composition root adds the probes of what it injected
     * (Redis, Kafka: {@code health.watch}); standalone adds the comet's draining state. Add before {@link #start()}.
     */
    public NodeHealth health() {
        return health;
    }

    /** The cluster online counts. */
    public OnlineAggregator online() {
        return online;
    }

    public synchronized InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    public synchronized InetSocketAddress grpcAddress() {
        return grpc == null ? null : (InetSocketAddress) grpc.getListenSockets().get(0);
    }

    public synchronized List<InetSocketAddress> boundAddresses() {
        List<InetSocketAddress> out = new ArrayList<>(2);
        if (httpAddress() != null) {
            out.add(httpAddress());
        }
        if (grpcAddress() != null) {
            out.add(grpcAddress());
        }
        return out;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        if (grpc != null) {
            grpcHealth.enterTerminalState();
            grpc.shutdown();
            try {
                if (!grpc.awaitTermination(2, TimeUnit.SECONDS)) {
                    grpc.shutdownNow();
                }
            } catch (InterruptedException e) {
                grpc.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (grpcLoops != null) {
            grpcLoops.close();
        }
        if (http != null) {
            http.close();
        }
        comets.close();
        online.close();
        upstreamRouter.close();
        if (connectProxy != null) {
            connectProxy.close();
        }
        if (nodeMeters != null) {
            nodeMeters.close();
        }
        health.close();
        overload.close();
        tracing.close();
    }
}
