package io.jgoim.comet.node;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Keeps this comet's node-registry entry fresh: addresses, weight (changeable at runtime), session count and the
 * offline flag (set while draining, so logic stops offering the node while job still pushes to it). {@link #run()} is
 * scheduled at the refresh interval; thread-safe.
 */
public final class NodeRegistration implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistration.class);

    private final NodeRegistry registry;
    private final NodeInfo base;
    private final Duration ttl;
    private final IntSupplier sessions;
    private volatile boolean offline;
    /** The operator's weight: {@code node.weight} at start, changed at runtime by the admin API. */
    private volatile int weight;

    public NodeRegistration(NodeRegistry registry, NodeInfo base, Duration ttl, IntSupplier sessions) {
        this.registry = registry;
        this.base = base;
        this.ttl = ttl;
        this.sessions = sessions;
        this.weight = base.weight();
    }

    /** This comet's entry as clients and job reach it: {@code node.host} with each bound port (null: disabled). */
    public static NodeInfo describe(CometConfig config, InetSocketAddress tcp, InetSocketAddress ws,
                                    InetSocketAddress wss, InetSocketAddress rpc) {
        String host = config.node().host();
        return new NodeInfo(config.node().id(), config.node().region(), config.node().weight(), addrs(host, tcp),
                addrs(host, ws), addrs(host, wss), rpc == null ? "" : host + ":" + rpc.getPort(), 0, false,
                System.currentTimeMillis());
    }

    private static List<String> addrs(String host, InetSocketAddress a) {
        return a == null ? List.of() : List.of(host + ":" + a.getPort());
    }

    /**
     * Sets the weight from now on and publishes it at once (readers see it at their next registry read; the
     * scheduled refresh keeps it). 0: logic offers this comet to no new client. Returns the previous weight.
     */
    public int weight(int newWeight) {
        int previous = weight;
        weight = newWeight;
        run();
        return previous;
    }

    /** The weight this comet publishes now. */
    public int weight() {
        return weight;
    }

    private NodeInfo entry() {
        return base.withWeight(weight).withLoad(sessions.getAsInt(), offline, System.currentTimeMillis());
    }

    @Override
    public void run() {
        registry.register(entry(), ttl)
                .whenComplete((v, e) -> {
                    if (e != null) {
                        log.warn("node registry refresh failed: {}", e.toString());
                    }
                });
    }

    /**
     * Registers this node and waits until every live job pushes to it, at most {@code timeout} (0: registers and
     * returns at once): writes the entry, {@link NodeRegistry#announce announces} it, then polls the jobs' reports
     * ({@link NodeRegistry#minViewVersion}) every 20 ms until they reach the announce. Returns true when they did
     * (or no job reports); false when the time ran out or the registry failed (logged; the comet opens anyway and
     * room pushes dispatched before a job's next registry read skip it).
     */
    public boolean join(Duration timeout) {
        if (timeout.isZero()) {
            run(); // no join: register and take clients at once
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long announced;
        try {
            registry.register(entry(), ttl)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            announced = registry.announce(base.id()).get(remaining(deadline), TimeUnit.MILLISECONDS);
            while (registry.minViewVersion().get(remaining(deadline), TimeUnit.MILLISECONDS) < announced) {
                if (System.nanoTime() > deadline) {
                    log.warn("not every job pushes to this comet {} ms after it registered; taking clients anyway "
                            + "(room pushes may skip it until the jobs read the registry)", timeout.toMillis());
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.warn("node registry join failed, taking clients anyway: {}", e.toString());
            return false;
        }
    }

    private static long remaining(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** Marks the node offline (draining) and publishes that at once. */
    public void markOffline() {
        offline = true;
        run();
    }

    /** Removes the entry (the node is gone), waiting at most {@code timeout} for the registry. */
    public void deregister(Duration timeout) {
        try {
            registry.deregister(base.id()).get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("node registry deregister failed: {}", e.toString());
        }
    }
}
