package io.jgoim.logic.push;

import java.util.concurrent.CompletableFuture;

/**
 * Where logic sends upstream client messages (Receive) for business consumers: a Kafka topic in a cluster, or
 * nowhere ({@link #DISCARD}) when no consumer is configured. The future completes once the bus holds the message.
 * Implementations are thread-safe.
 */
public interface UpstreamPublisher extends AutoCloseable {
    /** Drops every message; used when upstream publishing is disabled. */
    UpstreamPublisher DISCARD = (key, value) -> CompletableFuture.completedFuture(null);

    CompletableFuture<Void> publishUpstream(String recordKey, byte[] value);

    @Override
    default void close() {
    }
}
