package io.jgoim.common.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The session directory in one JVM (standalone mode): the same contract as Redis, with expiries read from a clock.
 * Thread-safe; each call completes before it returns.
 *
 * <p>Sized for many idle sessions: a member's routes are its one route or an immutable array of them, replaced
 * atomically under {@link LongKeyedTable#compute}, not a map per member, so a session costs a map entry, a slot in
 * the member table (which boxes no member id) and its route.
 */
public final class InMemorySessionDirectory implements SessionDirectory {
    private final Clock clock;
    private final Duration sessionTtl;
    /** key → route. */
    private final Map<String, Route> byKey = new ConcurrentHashMap<>();
    /**
     * mid → the member's routes, distinct keys: its one {@link Route}, or an immutable {@code Route[]} of two or more;
     * replaced under compute().
     */
    private final LongKeyedTable<Object> byMid = new LongKeyedTable<>(InMemorySessionDirectory::midOf);
    private final Map<String, Online> online = new ConcurrentHashMap<>();
    /** Tenant views: a directory of their own each (their member ids never meet another tenant's); shared. */
    private final Map<String, InMemorySessionDirectory> tenants;
    /** The default tenant's directory: this one, or the one this tenant view was made from. */
    private final InMemorySessionDirectory root;
    /** key → the member route of a session that ended (until its ttl): a device that is away. */
    private final Map<String, Route> away = new ConcurrentHashMap<>();
    private static final AtomicLongFieldUpdater<InMemorySessionDirectory> PURGE =
            AtomicLongFieldUpdater.newUpdater(InMemorySessionDirectory.class, "nextPurgeAt");
    /** When the next purge of expired routes is due (epoch ms); one caller wins it by CAS. */
    private volatile long nextPurgeAt;
    /** The away map never prunes below this size: small maps wait for the periodic purge. */
    private static final int AWAY_PRUNE_FLOOR = 4096;
    private static final AtomicIntegerFieldUpdater<InMemorySessionDirectory> AWAY_PRUNE =
            AtomicIntegerFieldUpdater.newUpdater(InMemorySessionDirectory.class, "awayPruneAbove");
    /**
     * The away map's size above which a close prunes its lapsed routes: twice what the last prune kept, so a prune's
     * scan is paid for by the closes since the last one (amortized O(1) per close). {@code MAX_VALUE} while one runs.
     */
    private volatile int awayPruneAbove = AWAY_PRUNE_FLOOR;
    /** Prunes of the away map done by closes (not by the periodic purge): what a bulk close may cost. */
    private final AtomicInteger awayPrunes = new AtomicInteger();

    public InMemorySessionDirectory(Duration sessionTtl) {
        this(sessionTtl, Clock.systemUTC());
    }

    private final String epoch = UUID.randomUUID().toString();

    public InMemorySessionDirectory(Duration sessionTtl, Clock clock) {
        this.sessionTtl = sessionTtl;
        this.clock = clock;
        this.tenants = new ConcurrentHashMap<>();
        this.root = this;
    }

    /** A tenant's view of {@code root}. */
    private InMemorySessionDirectory(InMemorySessionDirectory root) {
        this.sessionTtl = root.sessionTtl;
        this.clock = root.clock;
        this.tenants = root.tenants;
        this.root = root;
    }

    @Override
    public SessionDirectory forTenant(String tenant) {
        return tenant.isEmpty() ? root : tenants.computeIfAbsent(tenant, t -> new InMemorySessionDirectory(root));
    }

    @Override
    public CompletableFuture<Void> addSession(long mid, String key, String server) {
        Route r = new Route(key, server, mid, clock.millis() + sessionTtl.toMillis());
        byKey.put(key, r);
        away.remove(key);
        if (mid != 0) {
            byMid.compute(mid, routes -> with(routes, r));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> refreshSession(long mid, String key, String server) {
        long now = clock.millis();
        Route current = byKey.get(key);
        if (current == null || current.expiresAt <= now || !current.server.equals(server)) {
            return CompletableFuture.completedFuture(false);
        }
        addSession(mid, key, server);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> removeSession(long mid, String key, String server) {
        boolean[] removed = {false};
        byKey.computeIfPresent(key, (k, r) -> {
            if (r.server.equals(server)) {
                removed[0] = true;
                if (r.mid != 0) {
                    away.put(k, r);
                }
                return null;
            }
            return r;
        });
        if (removed[0]) {
            pruneAway();
        }
        if (mid != 0) {
            byMid.compute(mid, value -> {
                if (value == null) {
                    return null;
                }
                Route[] routes = routes(value);
                int i = indexOf(routes, key);
                if (i < 0 || !routes[i].server.equals(server)) {
                    return value;
                }
                removed[0] = true;
                return without(routes, i);
            });
        }
        return CompletableFuture.completedFuture(removed[0]);
    }

    /**
     * Drops the lapsed away-routes once the map has outgrown its threshold; one caller wins the scan. A scan on every
     * close above a fixed size was O(n) per close: 15,000 sessions closing at once spent a quarter of a comet's
     * samples there (BENCHMARKS.md, unbatched-path profile).
     */
    private void pruneAway() {
        int above = awayPruneAbove;
        if (away.size() <= above || !AWAY_PRUNE.compareAndSet(this, above, Integer.MAX_VALUE)) {
            return;
        }
        long now = clock.millis();
        away.values().removeIf(r -> r.expiresAt <= now);
        awayPrunes.incrementAndGet();
        awayPruneAbove = Math.max(AWAY_PRUNE_FLOOR, 2 * away.size());
    }

    @Override
    public CompletableFuture<Map<String, String>> serversByKeys(Collection<String> keys) {
        long now = clock.millis();
        Map<String, String> out = new HashMap<>();
        for (String k : keys) {
            Route r = byKey.get(k);
            if (r != null && r.expiresAt > now) {
                out.put(k, r.server);
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Map<String, KeyRoute>> routesByKeys(Collection<String> keys) {
        long now = clock.millis();
        Map<String, KeyRoute> out = new HashMap<>();
        for (String k : keys) {
            Route r = byKey.get(k);
            if (r != null && r.expiresAt > now) {
                out.put(k, new KeyRoute(r.server, r.mid));
                continue;
            }
            Route gone = away.get(k);
            if (gone != null && gone.expiresAt > now) {
                out.put(k, new KeyRoute(null, gone.mid));
            } else if (gone != null) {
                away.remove(k, gone);
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Map<String, String>> keysByMids(Collection<Long> mids) {
        long now = clock.millis();
        Map<String, String> out = new HashMap<>();
        for (Long mid : mids) {
            Object value = byMid.get(mid);
            if (value == null) {
                continue;
            }
            if (value instanceof Route) {
                put(out, (Route) value, now);
            } else {
                for (Route r : (Route[]) value) {
                    put(out, r, now);
                }
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Void> putOnline(String server, Map<String, Integer> roomCounts, Duration ttl) {
        long now = clock.millis();
        online.put(server, new Online(Map.copyOf(roomCounts), now + ttl.toMillis()));
        // Every comet reports its counts every few seconds, off the session path: the place to purge routes that
        // expired (a comet that died without removing its sessions), as Redis expires keys on its own.
        long due = nextPurgeAt;
        if (now >= due && PURGE.compareAndSet(this, due, now + purgeEveryMillis())) {
            purgeExpired(now);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Removes every route that expired by {@code now}; returns how many sessions it removed. */
    int purgeExpired(long now) {
        int[] removed = {0};
        byKey.values().removeIf(r -> {
            boolean expired = r.expiresAt <= now;
            removed[0] += expired ? 1 : 0;
            return expired;
        });
        byMid.replaceAll(value -> {
            Object kept = null;
            for (Route r : routes(value)) {
                if (r.expiresAt > now) {
                    kept = with(kept, r);
                }
            }
            return kept;
        });
        online.values().removeIf(o -> o.expiresAt <= now);
        away.values().removeIf(r -> r.expiresAt <= now);
        return removed[0];
    }

    /** Sessions (keys) held, expired or not: what {@link #purgeExpired} bounds. */
    int size() {
        return byKey.size();
    }

    /** Members with at least one route held, expired or not. */
    int members() {
        return byMid.size();
    }

    /** Keys of ended member sessions held for their devices' return, lapsed or not. */
    int away() {
        return away.size();
    }

    /** How often closes have pruned the away map (each prune one scan of it). */
    int awayPrunes() {
        return awayPrunes.get();
    }

    private long purgeEveryMillis() {
        return Math.max(1_000, sessionTtl.toMillis() / 4);
    }

    /** This directory's epoch: one random id for its whole life (a restarted standalone gets a new one). */
    @Override
    public CompletableFuture<String> storeEpoch() {
        return CompletableFuture.completedFuture(epoch);
    }

    @Override
    public CompletableFuture<Map<String, Map<String, Integer>>> onlines() {
        long now = clock.millis();
        online.values().removeIf(o -> o.expiresAt <= now);
        Map<String, Map<String, Integer>> out = new HashMap<>();
        online.forEach((server, o) -> out.put(server, o.counts));
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public Duration sessionTtl() {
        return sessionTtl;
    }

    /** A member's value with {@code r} in place of the route with its key, or added. */
    private static Object with(Object value, Route r) {
        if (value == null) {
            return r;
        }
        Route[] routes = routes(value);
        int i = indexOf(routes, r.key);
        if (i >= 0 && routes.length == 1) {
            return r;
        }
        Route[] out = Arrays.copyOf(routes, i < 0 ? routes.length + 1 : routes.length);
        out[i < 0 ? routes.length : i] = r;
        return out;
    }

    /** A member's value without route {@code i}: null (no entry) when none is left, the route when one is. */
    private static Object without(Route[] routes, int i) {
        if (routes.length == 1) {
            return null;
        }
        if (routes.length == 2) {
            return routes[1 - i];
        }
        Route[] out = new Route[routes.length - 1];
        System.arraycopy(routes, 0, out, 0, i);
        System.arraycopy(routes, i + 1, out, i, out.length - i);
        return out;
    }

    private static void put(Map<String, String> out, Route r, long now) {
        if (r.expiresAt > now) {
            out.put(r.key, r.server);
        }
    }

    /** The member id a member's routes carry. */
    private static long midOf(Object value) {
        return value instanceof Route ? ((Route) value).mid : ((Route[]) value)[0].mid;
    }

    private static Route[] routes(Object value) {
        return value instanceof Route ? new Route[] {(Route) value} : (Route[]) value;
    }

    private static int indexOf(Route[] routes, String key) {
        for (int i = 0; i < routes.length; i++) {
            if (routes[i].key.equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private record Route(String key, String server, long mid, long expiresAt) {
    }

    private record Online(Map<String, Integer> counts, long expiresAt) {
    }
}
