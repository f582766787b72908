package io.jgoim.logic.upstream;

import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;

import java.util.concurrent.CompletableFuture;

/**
 * Answers one kind of upstream message. The reply's body goes back to the client (same op and seq); a failure the
 * client should learn about is a reply with {@code error_code} ({@link Replies#error}). Must not block: called on
 * comet's event loop in standalone and on gRPC threads in a cluster. Thread-safe.
 */
public interface UpstreamHandler extends AutoCloseable {
    CompletableFuture<ReceiveReply> handle(ReceiveReq request);

    @Override
    default void close() {
    }
}
