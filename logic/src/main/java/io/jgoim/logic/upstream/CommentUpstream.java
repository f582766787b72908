package io.jgoim.logic.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;

/**
 * The {@code comment} kind, the built-in comment handler: the client sends {@code {"content":"…","nickname":"…"}};
 * the member and room come from the session (a client cannot post as someone else or into another room). The
 * comment is checked as docs/events.md "comment" checks it, given a new {@code comment_id}, and handed as that
 * domain event to the {@link CommentSink} (the same path as the {@code jgoim-comment} topic), which pushes it to the
 * room. An anonymous session (mid 0) gets UNAUTHORIZED (100). The poster gets {@code {"comment_id":"…"}}. A session in no room gets BAD_ROOM (10); a body that is not a
 * JSON object, or lacks content, BAD_PARAMETER (400); content over {@code upstream.comment.maxContentBytes}
 * BODY_TOO_LARGE (3). Thread-safe.
 */
final class CommentUpstream implements UpstreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NICKNAME = 128;

    private final CommentSink sink;
    private final int maxContentBytes;
    private final Clock clock;

    CommentUpstream(CommentSink sink, int maxContentBytes, Clock clock) {
        this.sink = sink;
        this.maxContentBytes = maxContentBytes;
        this.clock = clock;
    }

    @Override
    public java.util.concurrent.CompletableFuture<ReceiveReply> handle(ReceiveReq request) {
        String room = request.getRoomId();
        int sep = room.indexOf("://");
        if (sep <= 0 || sep + 3 >= room.length()) {
            return Replies.failed(ErrorCode.BAD_ROOM, room.isEmpty()
                    ? "the session is in no room: join one first (op 12)" : "room '" + room + "' is not type://id");
        }
        if (request.getMid() < 1) {
            // docs/events.md: a comment's author is a member id >= 1.
            return Replies.failed(ErrorCode.UNAUTHORIZED, "an anonymous session (mid 0) cannot post comments");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.getProto().getBody().toByteArray());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            return Replies.failed(ErrorCode.BAD_PARAMETER, "a comment is a JSON object {\"content\":\"...\"}");
        }
        JsonNode content = body.get("content");
        if (content == null || !content.isTextual() || content.textValue().isEmpty()) {
            return Replies.failed(ErrorCode.BAD_PARAMETER, "content must be a non-empty string");
        }
        int bytes = content.textValue().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxContentBytes) {
            return Replies.failed(ErrorCode.BODY_TOO_LARGE,
                    "content is " + bytes + " bytes, more than " + maxContentBytes);
        }
        JsonNode nickname = body.get("nickname");
        if (nickname != null && !nickname.isNull()
                && (!nickname.isTextual() || nickname.textValue().length() > MAX_NICKNAME)) {
            return Replies.failed(ErrorCode.BAD_PARAMETER, "nickname must be a string of at most "
                    + MAX_NICKNAME + " characters");
        }
        String commentId = UUID.randomUUID().toString();
        ObjectNode event = JSON.createObjectNode();
        event.put("room_id", room);
        event.put("comment_id", commentId);
        event.put("mid", request.getMid());
        if (nickname != null && !nickname.isNull()) {
            event.put("nickname", nickname.textValue());
        }
        event.put("content", content.textValue());
        event.put("created_at_ms", clock.millis());
        byte[] reply = ("{\"comment_id\":\"" + commentId + "\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            return Replies.failed(ErrorCode.INTERNAL, "comment: " + e.getMessage());
        }
        java.util.concurrent.CompletableFuture<Void> posted;
        try {
            posted = sink.post(room, value);
        } catch (RuntimeException e) {
            posted = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        return posted.handle((v, error) -> error == null ? Replies.body(reply) : Replies.of(error));
    }
}
