package io.jgoim.comet.limit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The limits' meters, registered at start at zero: refusals by limit ({@code jgoim_comet_limit_refusals_total},
 * label {@code limit} from {@link Refusal}: bounded, never an address), bans issued, admissions the address table had
 * no room to track, the gauge of addresses banned now, and the open client connections with their cap. Thread-safe.
 */
public final class LimitMeters {
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final Counter accepts;
    private final Counter bans;
    private final Counter tableFull;

    public LimitMeters(MeterRegistry registry, IntSupplier banned, ConnectionCap cap) {
        for (Refusal r : Refusal.values()) {
            refusals.put(r, Counter.builder("jgoim_comet_limit_refusals").tag("limit", r.label())
                    .description("connections refused or sessions closed by a limit (limits.*, proxy.*), by limit")
                    .register(registry));
        }
        accepts = Counter.builder("jgoim_comet_accepts")
                .description("connections past the node's accept bucket (limits.acceptRate), refused later or not")
                .register(registry);
        bans = Counter.builder("jgoim_comet_ip_bans")
                .description("client addresses banned for going over limits.authFailuresPerIp").register(registry);
        tableFull = Counter.builder("jgoim_comet_ip_table_full")
                .description("connections admitted untracked: no free slot in the address table (limits.ipTableSize)")
                .register(registry);
        Gauge.builder("jgoim_comet_banned_ips", banned::getAsInt)
                .description("client addresses banned now").register(registry);
        Gauge.builder("jgoim_comet_client_connections", cap, ConnectionCap::openCount)
                .description("open client connections on all listeners, refused ones not yet closed included")
                .register(registry);
        Gauge.builder("jgoim_comet_client_connections_max", cap, ConnectionCap::max)
                .description("the cap on open client connections (limits.maxConnections resolved; 0: none)")
                .register(registry);
    }

    void accepted() {
        accepts.increment();
    }

    /** Connections the node's accept bucket let through since start (all of them when the bucket is off). */
    public double accepts() {
        return accepts.count();
    }

    public void refused(Refusal r) {
        refusals.get(r).increment();
    }

    public double refusals(Refusal r) {
        return refusals.get(r).count();
    }

    void banned() {
        bans.increment();
    }

    public double bans() {
        return bans.count();
    }

    void tableFull() {
        tableFull.increment();
    }

    public double tableFullCount() {
        return tableFull.count();
    }
}
