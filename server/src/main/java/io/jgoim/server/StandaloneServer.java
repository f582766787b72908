package io.jgoim.server;

import io.jgoim.logic.admin.CometControls;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.config.ConfigException;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.common.history.MemoryHistoryStore;
import io.jgoim.common.logging.LoggingConfig;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.job.event.DomainEvents;
import io.jgoim.job.event.EventException;
import io.jgoim.logic.push.UpstreamPublisher;
import io.jgoim.logic.revoke.InMemoryDenyList;
import io.jgoim.logic.upstream.CommentSink;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * comet + logic + job in one JVM with the embedded defaults: the in-memory session directory and node registry, the
 * in-process push bus, and direct calls in place of gRPC. The same ports and HTTP API as a cluster (TCP 3101, WebSocket
 * 3102, HTTP API and /metrics 3111; WSS 3103 once a certificate is configured). The constructor does no I/O; {@link #start()} starts job, logic, then
 * comet; {@link #close()} stops logic, drains job, then drains the comet. Stream history lives in one
 * {@link MemoryHistoryStore} shared by job (room positions) and logic (History reads, member positions); a restart
 * starts every stream under a new epoch. Start and close from one thread.
 */
public final class StandaloneServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StandaloneServer.class);
    static final String EMBEDDED = "jgoim/standalone.yaml";
    private static final String LOGGING = "logging";
    private static final Set<String> SECTIONS = Set.of("comet", "logic", "job", LOGGING);

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InMemorySessionDirectory sessions;
    private final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
    private final DirectCometDirectory comets;
    private final MemoryHistoryStore history = new MemoryHistoryStore();
    private final JobServer job;
    private final LogicServer logic;
    private final CometServer comet;
    private final String cometId;
    private final LoggingConfig logging;
    private final boolean demo;
    private boolean started;
    private boolean closed;

    public StandaloneServer(CometConfig cometConfig, LogicConfig logicConfig, JobConfig jobConfig) {
        this.sessions = new InMemorySessionDirectory(logicConfig.redis().sessionTtl());
        this.comets = new DirectCometDirectory(jobConfig.comet(), jobConfig.retry());
        // Which streams keep history: logic's history section rules both nodes (one process, one store, one rule).
        this.job = new JobServer(jobConfig.withHistory(logicConfig.history()), comets, sessions, meters, history);
        // The built-in comment handler's comments take job's comment-event path (DomainEvents, as a jgoim-comment
        // record would), then the in-process bus, into the same room lanes as every push.
        DomainEvents events = new DomainEvents(jobConfig.events());
        CommentSink comments = (room, event) -> {
            PushMsg push;
            try {
                push = events.commentPush(event, System.currentTimeMillis());
            } catch (EventException e) {
                return CompletableFuture.failedFuture(new JgoimException(ErrorCode.BAD_PARAMETER, e.getMessage()));
            }
            return job.pushBus().publish(room, push);
        };
        this.logic = new LogicServer(logicConfig, sessions, job.pushBus(), nodes, meters, UpstreamPublisher.DISCARD,
                history, new InMemoryDenyList(Clock.systemUTC()), comments);
        this.comet = new CometServer(cometConfig, logic.service(), nodes, meters);
        this.cometId = cometConfig.node().id();
        // One health on logic's port (3111): ready unless the comet drains; live while the comet's loops run too.
        logic.health().condition("comet-draining", comet::isDraining,
                "the comet is draining: new sessions must go elsewhere");
        logic.health().liveCheck("comet", () -> comet.health().liveness().thenAccept(l -> {
            if (!l.live()) {
                throw new IllegalStateException("comet: " + l.checks());
            }
        }));
        this.logging = logicConfig.logging();
        this.demo = logicConfig.http().enabled() && logicConfig.http().demo().enabled();
    }

    /**
     * Loads the three node configs: each node's embedded defaults, standalone's changes ({@value #EMBEDDED}), the
     * operator's file (sections {@code comet}, {@code logic}, {@code job}, and {@code logging} for the one process's
     * logs, layered over each node's own; may be null), then {@code JGOIM_*} env.
     */
    public static StandaloneServer load(Path file, Map<String, String> env) {
        Configs c = configs(file, env);
        return new StandaloneServer(c.comet(), c.logic(), c.job());
    }

    /** The three node configs standalone runs with. */
    record Configs(CometConfig comet, LogicConfig logic, JobConfig job) {
    }

    /** What {@link #load} starts from: the three configs, layered as it describes. */
    static Configs configs(Path file, Map<String, String> env) {
        ObjectNode embedded = ConfigLoader.readResourceTree(EMBEDDED);
        ObjectNode user = file == null ? null : ConfigLoader.readTree(file);
        if (user != null) {
            for (Iterator<String> it = user.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!SECTIONS.contains(name)) {
                    throw new ConfigException(file + ": unknown section '" + name
                            + "' (use comet:, logic:, job:, logging:)");
                }
            }
        }
        // The comet's and job's tenant meters are labelled with logic's declared tenants (one process, one list).
        ObjectNode tenants = logicTenants(user, file);
        List<ObjectNode> cometLayers = layers(embedded, user, "comet", file);
        cometLayers.add(tenants);
        CometConfig c = ConfigLoader.load(CometConfig.class, CometConfig.DEFAULTS, cometLayers, env);
        // The node list advertises the ports this process really serves (and no WSS port when WSS is off); the
        // operator's own logic.nodes settings, then env, still win.
        List<ObjectNode> logicLayers = layers(embedded, user, "logic", file);
        logicLayers.add(1, advertisedPorts(c));
        LogicConfig l = ConfigLoader.load(LogicConfig.class, LogicConfig.DEFAULTS, logicLayers, env);
        List<ObjectNode> jobLayers = layers(embedded, user, "job", file);
        jobLayers.add(tenants);
        JobConfig j = ConfigLoader.load(JobConfig.class, JobConfig.DEFAULTS, jobLayers, env);
        return new Configs(c, l, j);
    }

    /** A layer {@code tenants: {declared: <logic's tenants.declared>}} (empty when logic declares none). */
    private static ObjectNode logicTenants(ObjectNode user, Path file) {
        ObjectNode layer = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (user == null) {
            return layer;
        }
        com.fasterxml.jackson.databind.JsonNode declared = ConfigLoader.section(user, "logic", String.valueOf(file))
                .path("tenants").path("declared");
        if (declared.isArray()) {
            layer.putObject("tenants").set("declared", declared.deepCopy());
        }
        return layer;
    }

    private static ObjectNode advertisedPorts(CometConfig c) {
        ObjectNode layer = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        ObjectNode nodes = layer.putObject("nodes");
        nodes.put("tcpPort", c.tcp().enabled() ? c.tcp().port() : 0);
        nodes.put("wsPort", c.webSocket().enabled() ? c.webSocket().port() : 0);
        nodes.put("wssPort", c.wss().enabled() ? c.wss().port() : 0);
        return layer;
    }

    private static List<ObjectNode> layers(ObjectNode embedded, ObjectNode user, String section, Path file) {
        List<ObjectNode> out = new ArrayList<>(2);
        out.add(ConfigLoader.section(embedded, section, EMBEDDED));
        if (user != null) {
            out.add(ConfigLoader.section(user, section, String.valueOf(file)));
            ObjectNode logging = ConfigLoader.section(user, LOGGING, String.valueOf(file));
            if (!logging.isEmpty()) {
                ObjectNode layer = logging.objectNode();
                layer.set(LOGGING, logging);
                out.add(layer);
            }
        }
        return out;
    }

    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            job.start();
            logic.start();
            comet.start();
            // The cluster admin routes on logic's port act on this process's comet directly (no comet gRPC here).
            logic.useComets(CometControls.of(Map.of(cometId, comet.adminService())));
            comets.add(cometId, comet.pushService()); // the push service exists once the comet has started
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("jgoim standalone serving: tcp {}, websocket {}, http api + /metrics {}", comet.tcpAddress(),
                comet.wsAddress(), logic.httpAddress());
    }

    /**
     * The live-comments demo page's URL on logic's HTTP port ({@code logic.http.demo.enabled}, on by default here),
     * or null when it is off or not started; a wildcard bind is shown as 127.0.0.1 (the page's own machine is the one
     * the comet's default allowed origins admit).
     */
    public synchronized String demoUrl() {
        java.net.InetSocketAddress a = started && demo ? logic.httpAddress() : null;
        if (a == null) {
            return null;
        }
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + a.getPort() + "/demo/";
    }

    /** The process's logging section (logic's, with the file's top-level {@code logging:} over it). */
    public LoggingConfig logging() {
        return logging;
    }

    public CometServer comet() {
        return comet;
    }

    public LogicServer logic() {
        return logic;
    }

    public JobServer job() {
        return job;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** The history store job and logic share (tests and diagnostics: a stream's positions and entries). */
    public MemoryHistoryStore history() {
        return history;
    }

    /** The session directory logic routes by (tests and diagnostics: which keys a member's sessions have). */
    public SessionDirectory sessions() {
        return sessions;
    }

    /**
     * Stops taking pushes (logic's API), lets job deliver what it accepted, then drains the comet (sessions get
     * SHUTDOWN, 4001). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(logic);
        closeQuietly(job);
        comets.removeComet(cometId);
        closeQuietly(comet);
        history.close();
        meters.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("error while stopping {}", c.getClass().getSimpleName(), e);
        }
    }
}
