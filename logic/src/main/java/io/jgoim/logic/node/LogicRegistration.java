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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
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
    private volatile boolean registered;

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

    /**
     * Registers now and refreshes from then on. A first put that fails (Redis slow or away for a moment, after the
     * node already serves) is logged and retried every second until it lands, then at the refresh interval: the node
     * stays up (before, one slow write ended a started, ready logic process), and comets that find logic nodes in the
     * registry pick it once it is there.
     */
    public void start() {
        long every = config.refreshInterval().toMillis();
        try {
            registry.register(entry.withLoad(0, false, clock.millis()), config.ttl()).join();
            registered = true;
            log.info("logic {} registered for comets at {}", entry.id(), entry.rpcAddr());
        } catch (RuntimeException e) {
            log.warn("logic {}: first registration failed, retrying every second (comets reading the registry do "
                    + "not pick this node until it lands): {}", entry.id(), e.toString());
            retryFirst();
            return;
        }
        timer.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    /** Until the first put lands: a try every second; then the usual refresh. Timer thread. */
    private void retryFirst() {
        if (timer.isShutdown()) {
            return; // closed meanwhile
        }
        try {
            timer.schedule(this::tryFirst, 1, TimeUnit.SECONDS);
        } catch (RejectedExecutionException closed) {
            // closed meanwhile
        }
    }

    private void tryFirst() {
        CompletableFuture<Void> put;
        try {
            put = registry.register(entry.withLoad(0, false, clock.millis()), config.ttl());
        } catch (RuntimeException e) {
            put = CompletableFuture.failedFuture(e);
        }
        put.whenComplete((v, e) -> {
            if (e != null) {
                log.debug("logic {}: registration still failing: {}", entry.id(), e.toString());
                retryFirst();
                return;
            }
            registered = true;
            log.info("logic {} registered for comets at {}", entry.id(), entry.rpcAddr());
            long every = config.refreshInterval().toMillis();
            try {
                timer.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                // closed meanwhile
            }
        });
    }

    /** Whether the entry was put at least once (tests, diagnostics). */
    public boolean isRegistered() {
        return registered;
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
