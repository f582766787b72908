package io.jgoim.protocol.rpc;

import io.jgoim.protocol.push.PushMsg;

import java.util.concurrent.CompletableFuture;

/**
 * The push bus seen from logic: Kafka in a cluster, an in-process bus in standalone. The future completes only once
 * the bus holds the message (Kafka acknowledged it with acks=all); a failure means the push was not accepted.
 * Messages with the same {@code recordKey} are delivered in the order they were published.
 */
public interface PushPublisher extends AutoCloseable {
    CompletableFuture<Void> publish(String recordKey, PushMsg message);

    @Override
    default void close() {
    }
}
