package io.jgoim.common.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session directory in one JVM (standalone mode): the same contract as Redis, with expiries read from a clock.
 * Thread-safe; each call completes before it returns.
 */
public final class InMemorySessionDirectory implements SessionDirectory {
    private final Clock clock;
    private final Duration sessionTtl;
    /** key → route. */
    private final Map<String, Route> byKey = new ConcurrentHashMap<>();
    /** mid → (key → server). Guarded by synchronizing on the inner map. */
    private final Map<Long, Map<String, Route>> byMid = new ConcurrentHashMap<>();
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
        Route r = new Route(server, clock.millis() + sessionTtl.toMillis());
        byKey.put(key, r);
        if (mid != 0) {
            // compute() so a concurrent removeSession cannot drop the member's map while this adds to it
            byMid.compute(mid, (m, keys) -> {
                Map<String, Route> out = keys == null ? new HashMap<>() : keys;
                synchronized (out) {
                    out.put(key, r);
                }
                return out;
            });
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
            byMid.computeIfPresent(mid, (m, keys) -> {
                synchronized (keys) {
                    Route r = keys.get(key);
                    if (r != null && r.server.equals(server)) {
                        keys.remove(key);
                        removed[0] = true;
                    }
                    return keys.isEmpty() ? null : keys;
                }
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
            Map<String, Route> keys = byMid.get(mid);
            if (keys == null) {
                continue;
            }
            synchronized (keys) {
                keys.forEach((k, r) -> {
                    if (r.expiresAt > now) {
                        out.put(k, r.server);
                    }
                });
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

    private record Route(String server, long expiresAt) {
    }

    private record Online(Map<String, Integer> counts, long expiresAt) {
    }
}
