package io.jgoim.common.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The comet node registry: comets register and refresh themselves; logic (node lists for clients) and job (which
 * comets to push to) read it. Entries expire when a comet stops refreshing. Implementations: Redis (cluster),
 * in-memory (standalone and tests), static (a fixed list from config). All methods are asynchronous.
 *
 * <p>Joining: a comet must not take sessions before every job pushes to it, or room pushes dispatched meanwhile skip
 * it. So a new comet {@link #announce announces} itself (a membership version), each job {@link #reportView reports}
 * the version its node list holds, and the comet opens its listeners once {@link #minViewVersion} reached its own.
 */
public interface NodeRegistry extends AutoCloseable {
    /** Puts or refreshes a node's entry; it expires after {@code ttl} unless refreshed. */
    CompletableFuture<Void> register(NodeInfo node, Duration ttl);

    /** Removes a node's entry at once (clean shutdown). */
    CompletableFuture<Void> deregister(String nodeId);

    /** The nodes whose entries have not expired, offline ones included (they still hold sessions). */
    CompletableFuture<List<NodeInfo>> nodes();

    /**
     * Says that a node registered just now is new to its readers: bumps the registry's membership version and
     * answers it. Call after {@link #register} completed; a reader whose {@link #reportView view} reaches this
     * version has read the node. The default (registries whose readers report no views) answers 0.
     */
    default CompletableFuture<Long> announce(String nodeId) {
        return CompletableFuture.completedFuture(0L);
    }

    /**
     * The membership version now. A reader reads it <em>before</em> {@link #nodes()}: every node announced at or
     * below it is in that read.
     */
    default CompletableFuture<Long> version() {
        return CompletableFuture.completedFuture(0L);
    }

    /**
     * A reader ({@code readerId}, e.g. a job) says it now uses a node list that holds every node announced up to
     * {@code version}; the report lapses after {@code ttl} unless repeated (a reader that died stops counting).
     */
    default CompletableFuture<Void> reportView(String readerId, long version, Duration ttl) {
        return CompletableFuture.completedFuture(null);
    }

    /** Withdraws a reader's report (the reader stops cleanly). */
    default CompletableFuture<Void> removeView(String readerId) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * The lowest version among the live readers' reports, or {@link Long#MAX_VALUE} when no reader reports: a node
     * announced at version v is known to every live reader once this is at least v.
     */
    default CompletableFuture<Long> minViewVersion() {
        return CompletableFuture.completedFuture(Long.MAX_VALUE);
    }

    @Override
    default void close() {
    }
}
