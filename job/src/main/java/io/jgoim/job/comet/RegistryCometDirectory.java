package io.jgoim.job.comet;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.ConnectivityState;
import io.jgoim.common.grpc.KeepAlive;
import io.jgoim.common.grpc.PromptReconnect;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.common.tls.GrpcChannelTls;
import io.jgoim.job.JobConfig;
import io.jgoim.protocol.rpc.GrpcCometClient;
import io.jgoim.common.tracing.GrpcTracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster directory: re-reads the node registry every {@code comet.registryRefresh}, opens one gRPC channel per
 * comet ({@link NodeInfo#rpcAddr()}), replaces it when the address changes and shuts it down when the comet leaves.
 * Every call carries {@code comet.callDeadline}. Membership work runs on the directory's scheduler thread.
 *
 * <p>A registry that suddenly lists no comet at all while comets are known is taken for a store that lost its data
 * (Redis restarted empty, failed over to an empty replica, flushed), not for every comet leaving at once: the known
 * comets are kept for {@code comet.emptyRegistryGrace} (they re-register at their next refresh), like a registry
 * error, so pushes accepted meanwhile still reach them. The comets come back one by one, each at its own refresh, so
 * until the grace counted from the empty read has passed, a known comet the refilling registry does not list yet is
 * kept too (before, the first comet back made every other one "leave", and the pushes queued for them were given up
 * — seen as a flaky {@code RegistryRestartIT}, whose two comets re-register one after the other). Gauge
 * {@code jgoim_job_registry_empty_kept_comets} shows how many are kept that way (0 normally).
 *
 * <p>A comet the registry no longer lists is dropped only once it no longer answers: while its channel is connected
 * it is alive and serving (its entry lapsed because it is cut from the registry's Redis alone, or the registry lost
 * it for longer than the grace), and its sessions still get their pushes. Before, such a comet's sessions stayed
 * connected and got nothing (seen in {@code CometRedisLossIT}). A comet that stopped or hangs has no connected
 * channel and is dropped within a probe window (three reads, at least 2 s) of the first read that missed it. Gauge
 * {@code jgoim_job_registry_unlisted_kept_comets}.
 *
 * <p>Joining comets: the directory reads the registry's membership version before each node list and, once it
 * applied the list, reports that version under the job's id ({@link NodeRegistry#reportView}, lapsing after
 * {@link #viewTtl three reads}); a new comet opens its listeners only when every live job's report reached its own
 * announce, so no room push accepted after a session joined it is dispatched without it.
 */
public final class RegistryCometDirectory extends AbstractCometDirectory {
    private static final Logger log = LoggerFactory.getLogger(RegistryCometDirectory.class);

    private final NodeRegistry registry;
    /** id → (address, channel); touched only on the scheduler thread and in close(). */
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    private final long emptyGraceNanos;
    /** When the registry began listing no comet while some were known (0: it lists some); scheduler thread only. */
    private long emptySinceNanos;
    /** Until when a registry refilling after an empty read keeps the known comets it does not list yet (0: none). */
    private long refillUntilNanos;
    private final AtomicInteger keptOnEmpty = new AtomicInteger();
    /**
     * Comets the registry no longer lists, by id: {@link #KEPT} while their channel is connected, else when the
     * first read missed them while it was not (the probe's start). Scheduler thread only.
     */
    private final Map<String, Long> unlistedSince = new HashMap<>();
    /** "id@address" of registered addresses gRPC refused, each logged once. Scheduler thread only. */
    private final Set<String> unusable = new HashSet<>();
    private static final long KEPT = Long.MIN_VALUE;
    /** How long a comet no longer listed gets to show its channel connected: three registry reads, at least 2 s. */
    private final long probeWindowNanos;
    private final AtomicInteger keptAnswering = new AtomicInteger();
    /** Plaintext or TLS ({@code comet.tls}); one context shared by every comet's channel. */
    private final GrpcChannelTls tls;
    private final boolean traced;
    /** This job's id in the registry's view reports; null: reports none. */
    private final String readerId;
    private final Duration viewTtl;

    public RegistryCometDirectory(NodeRegistry registry, JobConfig.CometConfig config, JobConfig.RetryConfig retry,
                                  MeterRegistry meters) {
        this(registry, config, retry, meters, false, null);
    }

    /**
     * @param traced   every comet channel carries the caller's trace context in its calls' metadata
     * @param readerId this job's node id: after each registry read it applied, the directory reports the membership
     *                 version that read covered ({@link NodeRegistry#reportView}), so a joining comet opens its
     *                 listeners only once this job pushes to it; null reports nothing
     */
    public RegistryCometDirectory(NodeRegistry registry, JobConfig.CometConfig config, JobConfig.RetryConfig retry,
                                  MeterRegistry meters, boolean traced, String readerId) {
        super(config, retry);
        this.traced = traced;
        this.registry = registry;
        this.readerId = readerId;
        this.viewTtl = viewTtl(config.registryRefresh());
        this.emptyGraceNanos = config.emptyRegistryGrace().toNanos();
        this.tls = GrpcChannelTls.of(config.tls(), "comet.tls");
        Gauge.builder("jgoim.job.registry.empty.kept.comets", keptOnEmpty, AtomicInteger::get)
                .description("known comets kept while the node registry lists none (a registry store lost its data)")
                .register(meters);
        Gauge.builder("jgoim.job.registry.unlisted.kept.comets", keptAnswering, AtomicInteger::get)
                .description("comets the node registry no longer lists, kept because they still answer (their "
                        + "entry lapsed: cut from the registry's Redis?)")
                .register(meters);
        this.probeWindowNanos = Math.max(config.registryRefresh().multipliedBy(3).toNanos(),
                Duration.ofSeconds(2).toNanos());
    }

    /**
     * How long a view report stands without a refresh: three registry reads, at least 3 s, so that one slow read
     * does not make joining comets stop waiting for this job, while a job that died stops counting soon.
     */
    static Duration viewTtl(Duration registryRefresh) {
        Duration three = registryRefresh.multipliedBy(3);
        return three.compareTo(Duration.ofSeconds(3)) < 0 ? Duration.ofSeconds(3) : three;
    }

    @Override
    protected void onStart() {
        if (readerId != null) {
            // Before the first read: a comet joining now waits for this job too, not only for the ones running.
            scheduler.execute(() -> report(0));
        }
        scheduler.scheduleWithFixedDelay(this::refreshNodes, 0, config.registryRefresh().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Reads the registry once and applies the difference; returns when done (used by tests via refresh()). */
    private void refreshNodes() {
        List<NodeInfo> nodes;
        long version;
        try {
            // The version first: the node list read after it holds every comet announced at or below it.
            version = registry.version().get(config.callDeadline().toMillis(), TimeUnit.MILLISECONDS);
            nodes = registry.nodes().get(config.callDeadline().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Keep the comets we know: a registry hiccup must not stop pushes.
            log.warn("node registry unavailable, keeping {} known comets: {}", endpoints.size(), e.toString());
            return;
        }
        if (keepOnEmpty(nodes)) {
            return;
        }
        try {
            apply(nodes);
        } catch (RuntimeException e) {
            // never let one bad read end the periodic refresh (a scheduled task that throws is not run again)
            log.warn("node registry read not applied, keeping {} known comets: {}", endpoints.size(), e.toString());
            return;
        }
        report(version);
    }

    /** Reports the membership version this job's node list now covers; a failure only delays joining comets. */
    private void report(long version) {
        if (readerId == null) {
            return;
        }
        try {
            registry.reportView(readerId, version, viewTtl).get(config.callDeadline().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("view report failed: {}", e.toString());
        }
    }

    /** True when an empty registry is ignored for now (see the class comment). Scheduler thread only. */
    private boolean keepOnEmpty(List<NodeInfo> nodes) {
        if (!nodes.isEmpty() || endpoints.isEmpty()) {
            if (emptySinceNanos != 0 && !nodes.isEmpty()) {
                refillUntilNanos = emptySinceNanos + emptyGraceNanos; // the rest may still be on their way back
            }
            emptySinceNanos = 0;
            keptOnEmpty.set(0);
            return false;
        }
        long now = System.nanoTime();
        if (emptySinceNanos == 0) {
            emptySinceNanos = now;
            log.warn("node registry lists no comet; keeping the {} known ones for up to {} ms (a store restarted "
                    + "empty?)", endpoints.size(), emptyGraceNanos / 1_000_000);
        }
        if (now - emptySinceNanos < emptyGraceNanos) {
            keptOnEmpty.set(endpoints.size());
            return true;
        }
        log.warn("node registry still lists no comet after {} ms; dropping the {} known ones",
                emptyGraceNanos / 1_000_000, endpoints.size());
        keptOnEmpty.set(0);
        return false;
    }

    /** A channel to one comet: keep-alive, TLS, tracing, prompt reconnects. Throws for an address gRPC cannot take. */
    private ManagedChannel open(String address) {
        NettyChannelBuilder builder = KeepAlive.apply(tls.apply(NettyChannelBuilder.forTarget(address)),
                config.keepAlive(), config.keepAliveTimeout()).directExecutor();
        if (traced) {
            builder.intercept(GrpcTracing.client());
        }
        // a comet away for long (a partition, a refusing load balancer) is reconnected within seconds of its return
        return PromptReconnect.watch(PromptReconnect.apply(builder).build());
    }

    private synchronized void apply(List<NodeInfo> nodes) {
        Set<String> seen = new HashSet<>();
        for (NodeInfo n : nodes) {
            if (n.rpcAddr() == null || n.rpcAddr().isBlank()) {
                continue;
            }
            Endpoint e = endpoints.get(n.id());
            if (e != null && e.address.equals(n.rpcAddr())) {
                seen.add(n.id());
                continue;
            }
            ManagedChannel channel;
            try {
                channel = open(n.rpcAddr());
            } catch (RuntimeException bad) {
                // an address gRPC cannot take (a comet's misconfigured advertised address): that comet is as if
                // unlisted, and every other one is still applied
                if (unusable.add(n.id() + "@" + n.rpcAddr())) {
                    log.warn("comet {}: registered address '{}' is unusable, skipped: {}", n.id(), n.rpcAddr(),
                            bad.toString());
                }
                continue;
            }
            seen.add(n.id());
            endpoints.put(n.id(), new Endpoint(n.rpcAddr(), channel));
            put(n.id(), new GrpcCometClient(channel, config.callDeadline()));
            if (e != null) {
                e.channel.shutdown();
            }
            log.info("comet {} at {} joined", n.id(), n.rpcAddr());
        }
        long now = System.nanoTime();
        boolean refilling = refillUntilNanos != 0 && now - refillUntilNanos < 0;
        int kept = 0;
        int answering = 0;
        unlistedSince.keySet().retainAll(endpoints.keySet());
        unlistedSince.keySet().removeAll(seen);
        for (String id : List.copyOf(endpoints.keySet())) {
            if (!seen.contains(id)) {
                if (refilling) {
                    kept++; // not re-registered yet since the registry came back empty
                    continue;
                }
                if (stillAnswers(id, endpoints.get(id).channel, now)) {
                    answering++;
                    continue;
                }
                unlistedSince.remove(id);
                remove(id);
                endpoints.remove(id).channel.shutdown();
                log.info("comet {} left", id);
            }
        }
        keptAnswering.set(answering);
        if (kept == 0) {
            refillUntilNanos = 0;
        } else if (kept != keptOnEmpty.get()) {
            log.info("node registry refilling after an empty read: keeping {} known comets not listed yet", kept);
        }
        keptOnEmpty.set(kept);
    }

    /**
     * Whether a comet the registry no longer lists is kept: while its channel is connected (READY) it is alive and
     * serving, so it lost its registry entry, not its life (cut from Redis alone, or the registry lost it), and its
     * sessions still need their pushes. A channel not connected is asked to connect and gets
     * {@link #probeWindowNanos} from the first read that missed the comet to do so; a comet that stopped (connection
     * refused) or hangs (handshake unanswered) is dropped then. Scheduler thread only.
     */
    private boolean stillAnswers(String id, ManagedChannel channel, long now) {
        Long since = unlistedSince.get(id);
        if (channel.getState(true) == ConnectivityState.READY) {
            if (since == null || since != KEPT) {
                log.warn("comet {} is no longer in the node registry but answers: kept while it does (its entry "
                        + "lapsed: is it cut from the registry's Redis?)", id);
                unlistedSince.put(id, KEPT);
            }
            return true;
        }
        if (since == null || since == KEPT) {
            unlistedSince.put(id, now);
            return true;
        }
        return now - since < probeWindowNanos;
    }

    /** Re-reads the registry now (also runs every {@code comet.registryRefresh}). */
    public void refresh() {
        try {
            scheduler.submit(this::refreshNodes).get(config.callDeadline().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("registry refresh failed", e);
        }
    }

    @Override
    public void close() {
        super.close();
        if (readerId != null) {
            try {
                registry.removeView(readerId).get(config.callDeadline().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.debug("view report not withdrawn (it lapses): {}", e.toString());
            }
        }
        synchronized (this) {
            for (Endpoint e : endpoints.values()) {
                e.channel.shutdownNow();
            }
            endpoints.clear();
        }
    }

    private record Endpoint(String address, ManagedChannel channel) {
    }
}
