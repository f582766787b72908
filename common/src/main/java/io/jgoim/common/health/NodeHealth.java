package io.jgoim.common.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The health of one node. Readiness: every critical {@link Dependency} is up or within its grace, and no
 * {@linkplain #condition condition} (a draining comet) holds. Liveness: every {@linkplain #liveCheck live check}
 * (the event loops answer a task, the consumer thread runs) passes within {@code health.liveTimeout}; dependencies
 * never affect it, so a Redis or Kafka outage never gets a node restarted. Probes run on one daemon thread from
 * {@link #start()}, one chain per dependency (the next check {@code probeInterval} after the last answer), each
 * bounded by {@code probeTimeout}; the same thread logs every change of a dependency and of readiness once.
 *
 * <p>Meters, when a registry is given: {@code jgoim_ready} (1/0, grace applied) from construction and
 * {@code jgoim_dependency_up{dependency}} (1/0, the last observation, grace not applied) from the moment a dependency
 * is added, so both exist before the first failure. Build (add dependencies, conditions, checks) from one thread
 * before {@link #start()}; read from any thread.
 */
public final class NodeHealth implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeHealth.class);

    private final String node;
    private final HealthConfig config;
    private final MeterRegistry meters;
    private final LongSupplier nanoClock;
    private final Map<String, Dependency> dependencies = new LinkedHashMap<>();
    private final Map<Dependency, Probe> probes = new LinkedHashMap<>();
    private final List<Condition> conditions = new CopyOnWriteArrayList<>();
    private final Map<String, Supplier<CompletableFuture<?>>> liveChecks = new LinkedHashMap<>();
    private final Map<String, Boolean> lastUp = new LinkedHashMap<>();
    private ScheduledThreadPoolExecutor scheduler;
    private volatile boolean closed;
    /** Readiness at the last log check; starts false so a starting node logs "ready", not a warning. */
    private boolean lastReady;
    private boolean everReady;
    private boolean warnedNeverReady;
    private long startNanos;

    /** A condition that makes the node unready at once, without grace, while it holds. */
    private record Condition(String name, BooleanSupplier holds, String reason) {
    }

    /** @param metersOrNull where {@code jgoim_ready} and {@code jgoim_dependency_up} go; null = not exported */
    public NodeHealth(String node, HealthConfig config, MeterRegistry metersOrNull) {
        this(node, config, metersOrNull, System::nanoTime);
    }

    NodeHealth(String node, HealthConfig config, MeterRegistry metersOrNull, LongSupplier nanoClock) {
        this.node = node;
        this.config = config;
        this.meters = metersOrNull;
        this.nanoClock = nanoClock;
        // One gauge per registry: in standalone with the comet's admin port on, logic's health registered it first
        // (a second registration is ignored by Micrometer with a WARN at every start)
        if (meters != null && meters.find("jgoim.ready").gauge() == null) {
            Gauge.builder("jgoim.ready", this, h -> h.readiness().ready() ? 1 : 0).strongReference(true)
                    .description("1 when the node answers 200 on /health/ready (grace applied), else 0")
                    .register(meters);
        }
    }

    /** A dependency checked by {@code probe} every {@code health.probeInterval}, with its configured grace. */
    public synchronized Dependency watch(String name, boolean critical, Probe probe) {
        Dependency d = track(name, critical);
        probes.put(d, probe);
        if (scheduler != null) {
            schedule(d, probe, 0);
        }
        return d;
    }

    /** A dependency fed by the node's own reports ({@link Dependency#up()}, {@link Dependency#down(String)}). */
    public synchronized Dependency track(String name, boolean critical) {
        if (dependencies.containsKey(name)) {
            throw new IllegalArgumentException("dependency " + name + " added twice");
        }
        Dependency d = new Dependency(name, critical, config.graceOf(name).toNanos(), nanoClock);
        dependencies.put(name, d);
        if (meters != null) {
            Gauge.builder("jgoim.dependency.up", d, x -> x.isUp() ? 1 : 0).strongReference(true)
                    .tag("dependency", name)
                    .description("1 when the last check of the dependency succeeded (no grace), else 0")
                    .register(meters);
        }
        return d;
    }

    /** While {@code holds} is true the node is not ready, at once, for {@code reason} (a draining comet). */
    public void condition(String name, BooleanSupplier holds, String reason) {
        conditions.add(new Condition(name, holds, reason));
    }

    /** A liveness check: the future must complete normally within {@code health.liveTimeout}. */
    public synchronized void liveCheck(String name, Supplier<CompletableFuture<?>> check) {
        liveChecks.put(name, check);
    }

    /** The dependency called {@code name}, or null. */
    public synchronized Dependency dependency(String name) {
        return dependencies.get(name);
    }

    public String node() {
        return node;
    }

    /** Starts the probes. Idempotent. */
    public synchronized void start() {
        if (scheduler != null || closed) {
            return;
        }
        scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jgoim-health");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        startNanos = nanoClock.getAsLong();
        probes.forEach((d, p) -> schedule(d, p, 0));
        long every = config.probeInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::logChanges, every, every, TimeUnit.MILLISECONDS);
    }

    private void schedule(Dependency d, Probe probe, long delayMillis) {
        try {
            scheduler.schedule(() -> probe(d, probe), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    private void probe(Dependency d, Probe probe) {
        if (closed) {
            return;
        }
        CompletableFuture<Object> answer = new CompletableFuture<>();
        try {
            probe.check().whenComplete((v, e) -> {
                if (e == null) {
                    answer.complete(v);
                } else {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
        long timeout = config.probeTimeout().toMillis();
        answer.orTimeout(timeout, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e == null) {
                d.up();
            } else {
                d.down(reasonOf(e, timeout));
            }
            schedule(d, probe, config.probeInterval().toMillis());
        });
    }

    static String reasonOf(Throwable e, long timeoutMillis) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return "no answer within " + timeoutMillis + " ms";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    /** On the health thread: one log line per change of a dependency or of readiness. */
    private synchronized void logChanges() {
        for (Dependency d : dependencies.values()) {
            Boolean was = lastUp.put(d.name(), d.isUp());
            if (was != null && was != d.isUp()) {
                if (d.isUp()) {
                    log.info("{}: {} is up again", node, d.name());
                } else {
                    log.warn("{}: {} is down ({}); grace {} ms{}", node, d.name(), d.reason(), d.graceMillis(),
                            d.isCritical() ? "" : ", does not affect readiness");
                }
            }
        }
        Readiness r = readiness();
        if (r.ready() != lastReady) {
            lastReady = r.ready();
            if (r.ready()) {
                log.info("{}: {}", node, everReady ? "ready again" : "ready");
                everReady = true;
            } else {
                log.warn("{}: not ready: {}", node, r.reasons());
            }
        } else if (!everReady && !warnedNeverReady
                && nanoClock.getAsLong() - startNanos > TimeUnit.SECONDS.toNanos(30)) {
            warnedNeverReady = true; // a node that never got ready (a dependency misconfigured) says why, once
            log.warn("{}: not ready 30 s after start: {}", node, r.reasons());
        }
    }

    /** Readiness now, with the reasons when not ready. */
    public Readiness readiness() {
        List<String> reasons = new ArrayList<>(2);
        Map<String, Boolean> held = new LinkedHashMap<>();
        for (Condition c : conditions) {
            boolean holds = c.holds().getAsBoolean();
            held.put(c.name(), holds);
            if (holds) {
                reasons.add(c.name() + ": " + c.reason());
            }
        }
        List<Dependency> deps;
        synchronized (this) {
            deps = List.copyOf(dependencies.values());
        }
        for (Dependency d : deps) {
            if (d.blocksReadiness()) {
                reasons.add(d.name() + ": " + (d.wasEverUp()
                        ? "down for " + d.downForMillis() + " ms (grace " + d.graceMillis() + " ms): "
                        : "not up since start: ") + d.reason());
            }
        }
        return new Readiness(node, reasons.isEmpty(), List.copyOf(reasons), held, deps);
    }

    /** Runs every live check; completes (never exceptionally) within about {@code health.liveTimeout}. */
    public CompletableFuture<Liveness> liveness() {
        Map<String, Supplier<CompletableFuture<?>>> checks;
        synchronized (this) {
            checks = new LinkedHashMap<>(liveChecks);
        }
        long timeout = config.liveTimeout().toMillis();
        Map<String, CompletableFuture<String>> results = new LinkedHashMap<>();
        checks.forEach((name, check) -> {
            CompletableFuture<String> r = new CompletableFuture<>();
            try {
                check.get().whenComplete((v, e) -> {
                    if (e == null) {
                        r.complete("ok");
                    } else {
                        r.complete(reasonOf(e, timeout));
                    }
                });
            } catch (RuntimeException e) {
                r.complete(reasonOf(e, timeout));
            }
            results.put(name, r.completeOnTimeout("no answer within " + timeout + " ms", timeout,
                    TimeUnit.MILLISECONDS));
        });
        return CompletableFuture.allOf(results.values().toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            Map<String, String> out = new LinkedHashMap<>();
            results.forEach((name, f) -> out.put(name, f.join()));
            return new Liveness(node, out);
        });
    }

    /** Stops the probes. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
