package io.jgoim.common.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session directory in one JVM (standalone mode): the same contract as Redis, with expiries read from a clock.
 * Thread-safe; each call completes before it returns.
 *
 * <p>Sized for many idle sessions: a member's routes are an immutable array (almost always of one route) replaced
 * atomically under {@link ConcurrentHashMap#compute}, not a map per member, so a session costs two map entries and
 * its route.
 */
public final class InMemorySessionDirectory implements SessionDirectory {
    private final Clock clock;
    private final Duration sessionTtl;
    /** key → route. */
    private final Map<String, Route> byKey = new ConcurrentHashMap<>();
    /** mid → the member's routes, distinct keys; each array is immutable and replaced under compute(). */
    private final ConcurrentHashMap<Long, Route[]> byMid = new ConcurrentHashMap<>();
    private final Map<String, Online> online = new ConcurrentHashMap<>();

    public InMemorySessionDirectory(Duration sessionTtl) {
        this(sessionTtl, Clock.systemUTC());
    }

    public InMemorySessionDirectory(Duration sessionTtl, Clock clock) {
        this.sessionTtl = sessionTtl;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> addSession(long mid, String key, String server) {
        Route r = new Route(key, server, clock.millis() + sessionTtl.toMillis());
        byKey.put(key, r);
        if (mid != 0) {
            byMid.compute(mid, (m, routes) -> with(routes, r));
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
                return null;
            }
            return r;
        });
        if (mid != 0) {
            byMid.computeIfPresent(mid, (m, routes) -> {
                int i = indexOf(routes, key);
                if (i < 0 || !routes[i].server.equals(server)) {
                    return routes;
                }
                removed[0] = true;
                return without(routes, i);
            });
        }
        return CompletableFuture.completedFuture(removed[0]);
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
    public CompletableFuture<Map<String, String>> keysByMids(Collection<Long> mids) {
        long now = clock.millis();
        Map<String, String> out = new HashMap<>();
        for (Long mid : mids) {
            Route[] routes = byMid.get(mid);
            if (routes == null) {
                continue;
            }
            for (Route r : routes) {
                if (r.expiresAt > now) {
                    out.put(r.key, r.server);
                }
            }
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public CompletableFuture<Void> putOnline(String server, Map<String, Integer> roomCounts, Duration ttl) {
        online.put(server, new Online(Map.copyOf(roomCounts), clock.millis() + ttl.toMillis()));
        return CompletableFuture.completedFuture(null);
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

    /** {@code routes} with {@code r} in place of the route with its key, or appended. */
    private static Route[] with(Route[] routes, Route r) {
        if (routes == null) {
            return new Route[] {r};
        }
        int i = indexOf(routes, r.key);
        Route[] out = Arrays.copyOf(routes, i < 0 ? routes.length + 1 : routes.length);
        out[i < 0 ? routes.length : i] = r;
        return out;
    }

    /** {@code routes} without element {@code i}; null (no entry) when none is left. */
    private static Route[] without(Route[] routes, int i) {
        if (routes.length == 1) {
            return null;
        }
        Route[] out = new Route[routes.length - 1];
        System.arraycopy(routes, 0, out, 0, i);
        System.arraycopy(routes, i + 1, out, i, out.length - i);
        return out;
    }

    private static int indexOf(Route[] routes, String key) {
        for (int i = 0; i < routes.length; i++) {
            if (routes[i].key.equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private record Route(String key, String server, long expiresAt) {
    }

    private record Online(Map<String, Integer> counts, long expiresAt) {
    }
}
