package io.jgoim.client.comet;

import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.testkit.TestLimits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real comets on 127.0.0.1 that share one in-memory node registry and one logic, as a deployment's comets share
 * Redis and logic: the setup of the drain, admin and overload ITs, where clients move from one comet to another.
 * Each comet serves TCP and WebSocket on free ports (no WSS, no RPC, no admin unless asked), registers under its id
 * with host 127.0.0.1, and has the limits off ({@link TestLimits}). Closes every comet it started. One test thread.
 */
final class RegisteredComets implements AutoCloseable {
    private final LogicService logic;
    private final InMemoryNodeRegistry registry = new InMemoryNodeRegistry();
    private final List<CometServer> started = new ArrayList<>();

    RegisteredComets(LogicService logic) {
        this.logic = logic;
    }

    /** A started comet named {@code id}, its admin port off. */
    CometServer start(String id) {
        return start(id, null, Map.of());
    }

    /** A started comet named {@code id}: {@code yaml} (or null) under the defaults above, {@code env} over both. */
    CometServer start(String id, Path yaml, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        for (String l : new String[] {"TCP", "WEB_SOCKET", "RPC", "ADMIN"}) {
            all.put("JGOIM_" + l + "_BIND", "127.0.0.1");
            all.put("JGOIM_" + l + "_PORT", "0");
        }
        all.put("JGOIM_WSS_ENABLED", "false");
        all.put("JGOIM_RPC_ENABLED", "false");
        all.put("JGOIM_ADMIN_ENABLED", "false");
        all.put("JGOIM_NODE_ID", id);
        all.put("JGOIM_NODE_HOST", "127.0.0.1");
        all.put("JGOIM_REGISTRY_ENABLED", "true");
        all.put("JGOIM_TRANSPORT_WORKER_THREADS", "2");
        all.put("JGOIM_SHUTDOWN_DRAIN_TIME", "1s");
        all.putAll(TestLimits.OFF_ENV);
        all.putAll(env);
        CometServer c = new CometServer(CometConfig.load(yaml, all), logic, registry,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        started.add(c);
        c.start();
        return c;
    }

    /** The registry the comets publish to (logic's node list reads it). */
    InMemoryNodeRegistry registry() {
        return registry;
    }

    /** The registry's entry for comet {@code id}. */
    NodeInfo entry(String id) {
        return registry.nodes().join().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    }

    /** The comet's TCP address as clients are given it. */
    static String tcp(CometServer c) {
        return "127.0.0.1:" + c.tcpAddress().getPort();
    }

    /** The comet's WebSocket address as clients are given it. */
    static String ws(CometServer c) {
        return "127.0.0.1:" + c.wsAddress().getPort();
    }

    @Override
    public void close() {
        started.forEach(CometServer::close);
    }
}
