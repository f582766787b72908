package io.jgoim.logic.upstream;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.util.concurrent.CompletableFuture;

/**
 * Where the built-in comment handler hands a comment domain event (the JSON of docs/events.md "comment"): in
 * standalone, job's own comment-event code and in-process bus (the path a {@code jgoim-comment} record takes); in a
 * cluster, the comment topic. The future completes once the event is accepted. Implementations are thread-safe.
 */
@FunctionalInterface
public interface CommentSink {
    /** No comment path wired: every comment fails with UNAVAILABLE. */
    CommentSink NONE = (room, event) -> CompletableFuture.failedFuture(
            new JgoimException(ErrorCode.UNAVAILABLE, "no comment path is configured on this logic node"));

    /** @param roomId the comment's room (the record key: one room's comments stay in order) */
    CompletableFuture<Void> post(String roomId, byte[] event);
}
