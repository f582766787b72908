package io.jgoim.job;

import io.jgoim.common.health.EventLoopsCheck;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.metrics.EventLoopMeters;
import io.jgoim.common.admin.AdminEndpoint;
import io.jgoim.common.admin.AdminRoutes;
import io.jgoim.common.admin.LogLevelAction;
import io.jgoim.common.http.access.ApiKeyring;
import io.jgoim.common.logging.LogLevels;
import io.jgoim.common.metrics.MetricsHttpServer;
import io.jgoim.common.metrics.NodeMeters;
import io.jgoim.common.tls.NodeSslContexts;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.job.bus.InProcessPushBus;
import io.jgoim.job.comet.CometDirectory;
import io.jgoim.job.comet.RegistryCometDirectory;
import io.jgoim.job.consume.PushConsumer;
import io.jgoim.job.dispatch.PushDispatcher;
import io.jgoim.job.event.DomainEvents;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The job node: pushes from Kafka (bus.mode kafka) or from the {@link InProcessPushBus} (standalone; always
 * available) go through one {@link PushDispatcher} to the comets of a {@link CometDirectory}. The constructor does no
 * I/O; {@link #start()} starts the directory, the lanes, the consumer and /metrics; {@link #close()} stops polling,
 * finishes in-flight pushes (bounded by shutdown.drainTimeout), commits, and closes the consumer, the lanes and the
 * directory (which this server owns). The {@link HistoryStore} that gives room batches their stream positions is
 * injected (Redis in a cluster, standalone's memory store shared with logic) and not owned; null = no positions.
 * Start and close from one thread.
 */
public final class JobServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobServer.class);

    private final JobConfig config;
    private final CometDirectory comets;
    private final JobMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final Tracing tracing;
    private final HistoryStore history;
    private final PushDispatcher dispatcher;
    private final InProcessPushBus bus;
    private final PushConsumer consumer;
    private final NodeHealth health;
    private volatile EventLoopGroup metricsGroup;
    private MetricsHttpServer metricsServer;
    private NodeMeters.Share nodeMeters;
    private InetSocketAddress metricsAddress;
    private volatile boolean started;
    private volatile boolean closed;

    /** Job over the given comet directory (a {@link io.jgoim.job.comet.DirectCometDirectory} in standalone). */
    public JobServer(JobConfig config, CometDirectory comets, SessionDirectory sessions,
                     PrometheusMeterRegistry registry) {
        this(config, comets, sessions, registry, null);
    }

    /**
     * Job over the given comet directory whose room batches get their positions from {@code history} (null: none;
     * not owned).
     */
    public JobServer(JobConfig config, CometDirectory comets, SessionDirectory sessions,
                     PrometheusMeterRegistry registry, HistoryStore history) {
        this.config = config;
        this.comets = comets;
        this.registry = registry;
        this.metrics = new JobMetrics(registry, config.tenants());
        comets.onCometAdded(metrics::cometLinked);
        this.history = history;
        this.tracing = Tracing.start(config.tracing(), "job", config.node().id(), registry);
        this.dispatcher = new PushDispatcher(config, comets, sessions, metrics, history, tracing);
        this.bus = new InProcessPushBus(dispatcher, config.bus().capacity(), metrics);
        this.consumer = config.bus().isKafka()
                ? new PushConsumer(config, dispatcher, new DomainEvents(config.events()), metrics) : null;
        this.health = newHealth();
    }

    /**
     * Not ready while stopped or when no comet is known past the grace of {@code comets}; live while the poll loop
     * runs (Kafka mode) and the admin loop answers. The composition root adds Kafka and Redis.
     */
    private NodeHealth newHealth() {
        NodeHealth h = new NodeHealth(config.node().id(), config.health(),
                config.metrics().enabled() ? registry : null);
        h.condition("stopped", () -> !started || closed, "job is not started or is stopping");
        h.watch("comets", true, () -> comets.comets().isEmpty()
                ? CompletableFuture.failedFuture(new IllegalStateException("no comet known to push to"))
                : CompletableFuture.completedFuture(null));
        if (consumer != null) {
            h.liveCheck("kafka-consumer-loop", () -> consumer.isPolling() ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(new IllegalStateException("the Kafka poll loop is not running")));
        }
        h.liveCheck("admin-event-loop", new EventLoopsCheck(() -> java.util.Collections.singletonList(metricsGroup)));
        return h;
    }

    /** Job in a cluster: comets discovered live from the node registry, reached over gRPC; no stream positions. */
    public JobServer(JobConfig config, NodeRegistry nodes, SessionDirectory sessions,
                     PrometheusMeterRegistry registry) {
        this(config, nodes, sessions, registry, null);
    }

    /** Job in a cluster whose room batches get their positions from {@code history} (null: none; not owned). */
    public JobServer(JobConfig config, NodeRegistry nodes, SessionDirectory sessions,
                     PrometheusMeterRegistry registry, HistoryStore history) {
        this(config, new RegistryCometDirectory(nodes, config.comet(), config.retry(), registry,
                config.tracing().enabled(), config.node().id()), sessions, registry, history);
    }

    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        nodeMeters = NodeMeters.bind(registry);
        comets.start();
        dispatcher.start();
        if (config.metrics().enabled()) {
            metricsGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("job-admin"), NioIoHandler.newFactory());
            EventLoopMeters.bind(registry, "job-admin", metricsGroup);
            ApiKeyring keyring = config.metrics().apiKeys().isEmpty() ? null
                    : new ApiKeyring(config.metrics().apiKeys(), "jgoim.job.admin.auth", registry, System::nanoTime);
            AdminRoutes routes = new AdminRoutes().add(LogLevelAction.route(LogLevels.backend()));
            metricsServer = new MetricsHttpServer(registry, health,
                    NodeSslContexts.httpServer(config.metrics().tls(), "metrics.tls"),
                    new AdminEndpoint(routes, keyring, "metrics.apiKeys"));
            metricsAddress = metricsServer.start(metricsGroup, NioServerSocketChannel.class,
                    config.metrics().host(), config.metrics().port());
        }
        if (consumer != null) {
            consumer.start();
        }
        health.start();
        log.info("job {} started: bus {}, {} lanes, batch {} msgs / {}, room positions {}, metrics {}",
                config.node().id(), config.bus().mode(), config.dispatch().lanes(), config.batch().size(),
                config.batch().window(), history == null ? "off (no history store)" : "on", metricsAddress);
    }

    /** The in-process bus feeding this job's dispatcher (standalone's PushPublisher). */
    public InProcessPushBus pushBus() {
        return bus;
    }

    public CometDirectory comets() {
        return comets;
    }

    /** Readiness and liveness (the metrics port's /health); the composition root adds Kafka and Redis probes. */
    public NodeHealth health() {
        return health;
    }

    public JobMetrics metrics() {
        return metrics;
    }

    /** The bound /metrics address, or null when metrics are disabled or not started. */
    public InetSocketAddress metricsAddress() {
        return metricsAddress;
    }

    /** Every address this node listens on (only /metrics; empty when disabled or not started). */
    public List<InetSocketAddress> boundAddresses() {
        return metricsAddress == null ? List.of() : List.of(metricsAddress);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!started) {
            comets.close();
            tracing.close();
            return;
        }
        bus.close();
        if (consumer != null) {
            consumer.close();
        }
        if (!bus.drain(config.shutdown().drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("{} in-process pushes still in flight at stop", bus.inFlight());
        }
        dispatcher.close();
        comets.close();
        closeMetrics();
        tracing.close();
    }

    /**
     * Test hook simulating kill -9: the consumer is dropped without committing anything more and in-flight pushes
     * are abandoned. The server is unusable afterwards.
     */
    public synchronized void crash() {
        if (closed) {
            return;
        }
        closed = true;
        bus.close();
        if (consumer != null) {
            consumer.crash();
        }
        dispatcher.close();
        comets.close();
        closeMetrics();
    }

    private void closeMetrics() {
        health.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (metricsGroup != null) {
            metricsGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (nodeMeters != null) {
            nodeMeters.close();
        }
    }
}
