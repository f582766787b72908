package io.jgoim.logic.upstream;

import io.jgoim.logic.push.UpstreamPublisher;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.micrometer.core.instrument.Counter;

import java.util.concurrent.CompletableFuture;

/**
 * The {@code kafka} kind (and the default): the message is published to {@code kafka.upstreamTopic} as the protobuf
 * {@code ReceiveReq} (schema in docs/events.md), keyed by the session key (the member id when it has none), and the
 * client gets goim's empty reply once Kafka holds it. Standalone's publisher discards. Thread-safe.
 */
final class KafkaUpstream implements UpstreamHandler {
    private final UpstreamPublisher publisher;
    private final Counter published;

    KafkaUpstream(UpstreamPublisher publisher, Counter published) {
        this.publisher = publisher;
        this.published = published;
    }

    @Override
    public CompletableFuture<ReceiveReply> handle(ReceiveReq request) {
        String recordKey = request.getKey().isEmpty() ? Long.toString(request.getMid()) : request.getKey();
        return publisher.publishUpstream(recordKey, request.toByteArray()).thenApply(v -> {
            published.increment();
            return Replies.EMPTY;
        });
    }
}
