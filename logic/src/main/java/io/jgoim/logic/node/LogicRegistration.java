package io.jgoim.logic.node;

import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.logic.RegistryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This logic node's entry in the logic-node registry, where comets find every live logic node to balance their
 * calls over: put at start, refreshed every {@code grpc.registry.refreshInterval} (expiring {@code ttl} after the last
 * refresh, so a node that died leaves by itself), removed at once by {@link #close} — before the gRPC server stops,
 * so comets stop picking this node while its in-flight calls finish. A failed refresh is logged and retried at the
 * next tick (the entry outlives one miss). One daemon thread.
 */
public final class LogicRegistration implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogicRegistration.class);

    private final NodeRegistry registry;
    private final RegistryConfig config;
    private final NodeInfo entry;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    public LogicRegistration(NodeRegistry registry, RegistryConfig config, String nodeId, String advertise,
                             Clock clock) {
        this.registry = registry;
        this.config = config;
        this.clock = clock;
        this.entry = new NodeInfo(nodeId, "", 1, List.of(), List.of(), List.of(), advertise, 0, false, 0);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jgoim-logic-registration");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The address comets dial: {@code advertise} when set, else the gRPC listener's — with this host's name in place
     * of a wildcard bind (0.0.0.0 or ::), which no comet can dial.
     */
    public static String advertised(String advertise, InetSocketAddress bound) {
        if (!advertise.isEmpty()) {
            return advertise;
        }
        InetAddress a = bound.getAddress();
        String host;
        if (a == null || a.isAnyLocalAddress()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "127.0.0.1";
            }
        } else {
            host = a.getHostAddress();
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + bound.getPort();
    }

    /** Registers now (the future of the first put is joined: a node that cannot register does not start silently). */
    public void start() {
        registry.register(entry.withLoad(0, false, clock.millis()), config.ttl()).join();
        log.info("logic {} registered for comets at {}", entry.id(), entry.rpcAddr());
        long every = config.refreshInterval().toMillis();
        timer.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        try {
            registry.register(entry.withLoad(0, false, clock.millis()), config.ttl()).whenComplete((v, e) -> {
                if (e != null) {
                    failed(e);
                }
            });
        } catch (RuntimeException e) {
            failed(e); // thrown, not returned: a scheduled task that throws is never run again
        }
    }

    private void failed(Throwable e) {
        log.warn("logic {}: registry refresh failed, retrying in {}: {}", entry.id(), config.refreshInterval(),
                e.toString());
    }

    /** Removes the entry at once; comets stop choosing this node at their next registry read. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            registry.deregister(entry.id()).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("logic {}: could not remove its registry entry (it expires in {}): {}", entry.id(),
                    config.ttl(), e.toString());
        }
    }
}
