package io.jgoim.comet;

import io.jgoim.comet.admin.CometControl;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.frame.NodeHints;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.node.CometDrain;
import io.jgoim.comet.node.NodeRegistration;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The comet's operator side, set up once its listeners are bound: its membership in the node registry (join, refresh,
 * deregister; none in standalone), the drain that moves its sessions elsewhere, and the operator's actions on it
 * ({@link CometControl}, for the admin port and gRPC CometAdmin). Apart from {@link CometServer}, which wires the
 * session and push side and owns the order of start and close. Set up and closed under the server's lock; the drain
 * and its state are read from any thread.
 */
final class CometOperations {
    private final CometConfig config;
    private final NodeRegistry registryOrNull;
    /** Null when the node is in no registry. */
    private final NodeRegistration registration;
    private volatile CometDrain drainer;

    /**
     * No I/O: the registration (when {@code registryOrNull} is set and {@code registry.enabled}) is made but not
     * joined, so a failed {@link #join} still deregisters at close.
     *
     * @param self the node's description, read only when it registers (its addresses are bound by then)
     */
    CometOperations(CometConfig config, NodeRegistry registryOrNull, Supplier<NodeInfo> self, IntSupplier sessions) {
        this.config = config;
        this.registryOrNull = registryOrNull;
        this.registration = registryOrNull != null && config.registry().enabled()
                ? new NodeRegistration(registryOrNull, self.get(), config.registry().ttl(), sessions) : null;
    }

    /** Joins the registry within {@code registry.joinTimeout} and refreshes the entry on {@code timers}. */
    void join(CometTimers timers) {
        if (registration != null) {
            registration.join(config.registry().joinTimeout());
            timers.every("registry refresh", config.registry().refreshInterval(), registration);
        }
    }

    /**
     * Makes the drain and the operator's actions; {@code drain} and {@code draining} are the server's (a close
     * counts as draining too). Returns the actions.
     */
    CometControl open(SessionLoops loops, SessionIndex index, CometTimers timers,
                      Function<Duration, CompletableFuture<Integer>> drain, BooleanSupplier draining) {
        drainer = new CometDrain(config.node().id(), loops, config.shutdown().closeBatches(),
                config.registry().enabled() ? registryOrNull : null, registration, timers.loop());
        return new CometControl(config.node().id(), index, registration, drain, draining,
                config.shutdown().drainTime());
    }

    boolean isDraining() {
        CometDrain d = drainer;
        return d != null && d.isDraining();
    }

    /** Where a drained session's goodbye sends an extended client (none before the drain exists). */
    NodeHints hints() {
        CometDrain d = drainer;
        return d == null ? NodeHints.NONE : d.hints();
    }

    /** The drain, or null before {@link #open}: see {@link CometServer#drain}. */
    CompletableFuture<Integer> drainOrNull(Duration time) {
        CometDrain d = drainer;
        return d == null ? null : d.drain(time);
    }

    /** Waits for the drain the close started (or joined) until {@code deadlineNanos}. */
    void awaitAtClose(Duration time, long deadlineNanos) {
        CometDrain d = drainer;
        if (d != null) {
            d.awaitAtClose(time, deadlineNanos);
        }
    }

    /** Leaves the registry within {@code timeout} (nothing in standalone). */
    void deregister(Duration timeout) {
        if (registration != null) {
            registration.deregister(timeout);
        }
    }
}
