package io.jgoim.common.session;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Who is connected where: the session routes (member id and session key → comet server) and each comet's room
 * online counts. goim's schema: {@code mid_{mid}} hash key→server, {@code key_{key}} → server, per-server room
 * counts; entries expire unless refreshed by heartbeats. Implementations: Redis (cluster) and in-memory
 * (standalone), held to the same contract tests. All methods are asynchronous and never block; a failed future
 * carries an {@link io.jgoim.protocol.JgoimException} (UNAVAILABLE or TIMEOUT when the store is down).
 */
public interface SessionDirectory extends AutoCloseable {
    /** Records a session's route: {@code mid} (0 = anonymous, only the key route) and {@code key} on {@code server}. */
    CompletableFuture<Void> addSession(long mid, String key, String server);

    /**
     * {@link #addSession(long, String, String)} for a caller that gives up at {@code deadlineNanos}
     * ({@link System#nanoTime()} scale, 0 = never), such as a comet's Connect call: a write that has not started by
     * then is not done (its session was refused, so its route would be stale) and fails with TIMEOUT. Removals carry
     * no deadline: every one is applied.
     */
    default CompletableFuture<Void> addSession(long mid, String key, String server, long deadlineNanos) {
        if (deadlineNanos != 0 && System.nanoTime() - deadlineNanos > 0) {
            return CompletableFuture.failedFuture(new io.jgoim.protocol.JgoimException(
                    io.jgoim.protocol.ErrorCode.TIMEOUT, "addSession: the caller's deadline passed"));
        }
        return addSession(mid, key, server);
    }

    /** Refreshes a session's TTL; completes with false when the route is gone (it should be re-added). */
    CompletableFuture<Boolean> refreshSession(long mid, String key, String server);

    /**
     * Removes exactly this session's routes, and only if the key still routes to {@code server} (a newer session
     * with the same key elsewhere keeps its route). Completes with true when something was removed.
     */
    CompletableFuture<Boolean> removeSession(long mid, String key, String server);

    /** key → server for the keys that are connected; absent keys are left out. */
    CompletableFuture<Map<String, String>> serversByKeys(Collection<String> keys);

    /**
     * key → its route (server and member) for the keys that are connected, and for keys of a member's session that
     * ended within the session ttl (server null: a device that is away; a key push to it is kept in its member's
     * stream for its resume); other keys are left out. A route's mid is 0 for an anonymous session and for a route
     * recorded by a node that did not record members per key (older than jgoim 0.4, during a rolling upgrade): such
     * a key is pushed as goim does, without a position. One store command per key, as {@link #serversByKeys},
     * pipelined.
     */
    default CompletableFuture<Map<String, KeyRoute>> routesByKeys(Collection<String> keys) {
        return serversByKeys(keys).thenApply(servers -> {
            Map<String, KeyRoute> out = new java.util.HashMap<>();
            servers.forEach((k, server) -> out.put(k, new KeyRoute(server, 0)));
            return out;
        });
    }

    /**
     * Where a key is connected: its comet {@code server} (null: not connected now, its member session ended within
     * the session ttl) and its member {@code mid} (0: anonymous or unknown).
     */
    record KeyRoute(String server, long mid) {
    }

    /** key → server for every session of these members. */
    CompletableFuture<Map<String, String>> keysByMids(Collection<Long> mids);

    /** Stores one comet's room counts (room id → sessions), replacing its previous report; expires after ttl. */
    CompletableFuture<Void> putOnline(String server, Map<String, Integer> roomCounts, Duration ttl);

    /** Every comet's last unexpired report: server → (room id → count). */
    CompletableFuture<Map<String, Map<String, Integer>>> onlines();

    /**
     * The store's epoch: an id the store keeps for as long as it keeps its data, and that changes when it loses it
     * (Redis restarted empty, failed over to an empty replica, flushed; a new in-memory directory). A comet that
     * sees it change knows its session routes are gone and announces them again. Never empty once it succeeded.
     */
    CompletableFuture<String> storeEpoch();

    /**
     * This directory as tenant {@code tenant} sees it (docs/operations.md, Tenants): its member routes ({@code mid})
     * are its own, so member 5 of one tenant is never member 5 of another; its session keys come already namespaced
     * ({@link io.jgoim.protocol.Tenancy}). {@code ""} (the default tenant) is this directory itself, today's keys.
     * Online reports are cluster-wide (room ids are namespaced) and read from the default view. Views are cached:
     * a tenant's view is the same object on every call.
     */
    default SessionDirectory forTenant(String tenant) {
        if (tenant.isEmpty()) {
            return this;
        }
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no tenant views");
    }

    /** How long a route lives without a refresh. */
    Duration sessionTtl();

    @Override
    default void close() {
    }
}
