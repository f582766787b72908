package io.jgoim.common.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The comet node registry: comets register and refresh themselves; logic (node lists for clients) and job (which
 * comets to push to) read it. Entries expire when a comet stops refreshing. Implementations: Redis (cluster),
 * in-memory (standalone and tests), static (a fixed list from config). All methods are asynchronous.
 */
public interface NodeRegistry extends AutoCloseable {
    /** Puts or refreshes a node's entry; it expires after {@code ttl} unless refreshed. */
    CompletableFuture<Void> register(NodeInfo node, Duration ttl);

    /** Removes a node's entry at once (clean shutdown). */
    CompletableFuture<Void> deregister(String nodeId);

    /** The nodes whose entries have not expired, offline ones included (they still hold sessions). */
    CompletableFuture<List<NodeInfo>> nodes();

    @Override
    default void close() {
    }
}
