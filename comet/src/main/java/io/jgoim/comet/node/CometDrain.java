package io.jgoim.comet.node;

import io.jgoim.comet.frame.NodeHints;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves a comet's clients elsewhere without stopping it, once: stops admitting sessions (the {@link #isDraining()}
 * flag the handshake reads), marks the node offline in the registry so logic's node list and job's next look stop
 * offering it (job still pushes to the sessions left), reads the registry once for the goodbyes' node hints, then
 * closes the sessions with SHUTDOWN in jittered batches ({@link SessionDrain}) over most of the drain time. Both the
 * runtime drain and the comet's close go through {@link #drain}; the first call's drain time wins.
 *
 * <p>Thread-safe: the flag and the hints are volatile, the start is guarded by an atomic reference.
 */
public final class CometDrain {
    private static final Logger log = LoggerFactory.getLogger(CometDrain.class);
    /** How often the drain looks whether sessions are left. */
    private static final long POLL_MILLIS = 10;
    /** The most addresses a goodbye names per transport: enough to skip a dead one or two, small on the wire. */
    private static final int HINTS_PER_TRANSPORT = 3;

    private final String selfId;
    private final SessionLoops loops;
    private final int batches;
    private final NodeRegistry registry;
    private final NodeRegistration registration;
    private final EventExecutor timer;
    private final HintPicker hintPicker;
    private final AtomicReference<CompletableFuture<Integer>> done = new AtomicReference<>();
    private volatile boolean draining;
    private volatile NodeHints hints = NodeHints.NONE;

    /**
     * @param registry     the registry read for hints, or null (standalone: no hints)
     * @param registration this comet's registry entry, or null when it is not registered
     * @param timer        where the drain's timers run (not a session loop)
     */
    public CometDrain(String selfId, SessionLoops loops, int batches, NodeRegistry registry,
                      NodeRegistration registration, EventExecutor timer) {
        this.selfId = selfId;
        this.loops = loops;
        this.batches = batches;
        this.registry = registry;
        this.registration = registration;
        this.timer = timer;
        this.hintPicker = new HintPicker(selfId, HINTS_PER_TRANSPORT, new Random());
    }

    /** True once a drain began: new sessions are refused with SHUTDOWN. */
    public boolean isDraining() {
        return draining;
    }

    /** The node hints this drain's goodbyes carry ({@link NodeHints#NONE} before the registry answered). */
    public NodeHints hints() {
        return hints;
    }

    /**
     * Starts the drain (later calls return the first call's future). The future completes with the sessions still
     * open when none is left or {@code time} passed, whichever comes first; it never fails.
     */
    public CompletableFuture<Integer> drain(Duration time) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        if (!done.compareAndSet(null, f)) {
            return done.get();
        }
        // Set before the session loops snapshot their sessions: an auth finishing after the snapshot sees it.
        draining = true;
        long timeNanos = Math.max(0, time.toNanos());
        long deadline = System.nanoTime() + timeNanos;
        log.info("comet {} draining {} sessions over {}", selfId, loops.sessionCount(), time);
        if (registration != null) {
            registration.markOffline();
        }
        readHints(timeNanos / 10).whenComplete((h, e) -> {
            hints = h == null ? NodeHints.NONE : h;
            long left = Math.max(0, deadline - System.nanoTime());
            new SessionDrain(loops, batches).start(left * 8 / 10);
            watch(f, deadline);
        });
        return f;
    }

    /**
     * The close's drain: starts it (or joins the one running) and waits for it at most until {@code deadlineNanos}
     * ({@link System#nanoTime()}), so a longer runtime drain does not hold the close up; warns of the sessions left.
     */
    public void awaitAtClose(Duration time, long deadlineNanos) {
        int left = drain(time).copy().completeOnTimeout(-1, deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)
                .join();
        left = left < 0 ? loops.sessionCount() : left;
        if (left > 0) {
            log.warn("{} sessions still open after the drain time; closing them", left);
        }
    }

    /** One registry read, bounded by {@code maxNanos} (a slow registry costs the hints, never the drain). */
    private CompletableFuture<NodeHints> readHints(long maxNanos) {
        if (registry == null) {
            return CompletableFuture.completedFuture(NodeHints.NONE);
        }
        try {
            return registry.nodes().copy().orTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(maxNanos)),
                    TimeUnit.MILLISECONDS).handle((List<NodeInfo> nodes, Throwable e) -> {
                        if (e != null) {
                            log.warn("drain: node registry unreadable, goodbyes carry no hints: {}", e.toString());
                            return NodeHints.NONE;
                        }
                        return hintPicker.pick(nodes);
                    });
        } catch (RuntimeException e) {
            log.warn("drain: node registry unreadable, goodbyes carry no hints: {}", e.toString());
            return CompletableFuture.completedFuture(NodeHints.NONE);
        }
    }

    private void watch(CompletableFuture<Integer> f, long deadline) {
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        Runnable check = () -> {
            int left = loops.sessionCount();
            if (left == 0 || System.nanoTime() >= deadline || timer.isShuttingDown()) {
                if (f.complete(left)) {
                    ScheduledFuture<?> t = task.get();
                    if (t != null) {
                        t.cancel(false);
                    }
                }
            }
        };
        try {
            task.set(timer.scheduleAtFixedRate(check, 0, POLL_MILLIS, TimeUnit.MILLISECONDS));
            if (f.isDone()) {
                task.get().cancel(false);
            }
        } catch (RuntimeException e) {
            f.complete(loops.sessionCount());
        }
    }
}
