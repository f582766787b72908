package io.jgoim.job.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.UnsafeByteOperations;
import io.jgoim.job.JobConfig;
import io.jgoim.job.dispatch.PushTask;
import io.jgoim.job.dispatch.TaskListener;
import io.jgoim.protocol.push.PushMsg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns domain events into pushes (schemas in {@code docs/events.md}): a {@code comment} event becomes a room push of
 * the comment to everyone in its room; a {@code play-history} event becomes a push of the playback position to the
 * member's other devices (every session of the member except the one that reported it). Events are validated field by
 * field; a bad one throws {@link EventException} naming the field. The pushed body is a canonical JSON rebuilt from the
 * validated fields (unknown fields are not forwarded). Stateless and thread-safe.
 */
public final class DomainEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ID = 128;
    private static final int MAX_ROOM = 256;

    private final JobConfig.EventsConfig config;

    public DomainEvents(JobConfig.EventsConfig config) {
        this.config = config;
    }

    /** A comment event as a room push. {@code fallbackTimeMs} is used when the event has no created_at_ms. */
    public PushTask comment(byte[] value, long fallbackTimeMs, TaskListener listener) {
        PushMsg msg = commentPush(value, fallbackTimeMs);
        return PushTask.of(msg.getRoom(), msg, listener);
    }

    /**
     * A comment event as the room push it becomes (validated, canonical body): what {@link #comment} dispatches for a
     * {@code jgoim-comment} record, and what standalone's built-in comment handler publishes on the in-process bus.
     */
    public PushMsg commentPush(byte[] value, long fallbackTimeMs) {
        JsonNode e = parse(value);
        String room = text(e, "room_id", true, MAX_ROOM);
        int sep = room.indexOf("://");
        if (sep <= 0 || sep + 3 >= room.length()) {
            throw new EventException("room_id must be 'type://id', was '" + room + "'");
        }
        String commentId = text(e, "comment_id", true, MAX_ID);
        long mid = integer(e, "mid", true, 1);
        String content = text(e, "content", true, Integer.MAX_VALUE);
        if (content.getBytes(StandardCharsets.UTF_8).length > config.maxContentBytes()) {
            throw new EventException("content longer than " + config.maxContentBytes() + " bytes");
        }
        String nickname = text(e, "nickname", false, MAX_ID);
        long createdAt = integer(e, "created_at_ms", false, 0);
        if (createdAt == 0) {
            createdAt = fallbackTimeMs;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("room_id", room);
        body.put("comment_id", commentId);
        body.put("mid", mid);
        if (nickname != null) {
            body.put("nickname", nickname);
        }
        body.put("content", content);
        body.put("created_at_ms", createdAt);
        return PushMsg.newBuilder()
                .setType(PushMsg.Type.ROOM)
                .setOperation(config.comment().operation())
                .setRoom(room)
                .setMsg(UnsafeByteOperations.unsafeWrap(bytes(body)))
                .setCreatedAtMs(createdAt)
                // the comment's id as the push's: a comment published twice (a producer's retry) keeps one position
                .setPushId("comment:" + commentId)
                .build();
    }

    /** A play-history event as a push to the member's other devices. */
    public PushTask playHistory(byte[] value, long fallbackTimeMs, TaskListener listener) {
        JsonNode e = parse(value);
        long mid = integer(e, "mid", true, 1);
        String key = text(e, "key", true, MAX_ID);
        String videoId = text(e, "video_id", true, MAX_ID);
        long progress = integer(e, "progress_ms", true, 0);
        long duration = integer(e, "duration_ms", false, 0);
        if (e.has("duration_ms") && progress > duration) {
            throw new EventException("progress_ms " + progress + " is past duration_ms " + duration);
        }
        long updatedAt = integer(e, "updated_at_ms", false, 0);
        if (updatedAt == 0) {
            updatedAt = fallbackTimeMs;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("mid", mid);
        body.put("video_id", videoId);
        body.put("progress_ms", progress);
        if (e.has("duration_ms")) {
            body.put("duration_ms", duration);
        }
        body.put("updated_at_ms", updatedAt);
        PushMsg msg = PushMsg.newBuilder()
                .setType(PushMsg.Type.PUSH)
                .setOperation(config.playHistory().operation())
                .setMsg(UnsafeByteOperations.unsafeWrap(bytes(body)))
                .setCreatedAtMs(updatedAt)
                .build();
        return PushTask.ofMemberDevices(mid, key, msg, listener);
    }

    private static JsonNode parse(byte[] value) {
        if (value == null || value.length == 0) {
            throw new EventException("empty event");
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (IOException ex) {
            throw new EventException("not JSON: " + firstLine(ex.getMessage()));
        }
        if (n == null || !n.isObject()) {
            throw new EventException("event must be a JSON object");
        }
        return n;
    }

    private static String text(JsonNode e, String field, boolean required, int maxChars) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new EventException("missing field " + field);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new EventException(field + " must be a string");
        }
        String s = v.textValue();
        if (required && s.isEmpty()) {
            throw new EventException(field + " must not be empty");
        }
        if (s.length() > maxChars) {
            throw new EventException(field + " longer than " + maxChars + " characters");
        }
        return s;
    }

    private static long integer(JsonNode e, String field, boolean required, long min) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new EventException("missing field " + field);
            }
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new EventException(field + " must be an integer");
        }
        long n = v.longValue();
        if (n < min) {
            throw new EventException(field + " must be >= " + min + ", was " + n);
        }
        return n;
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
