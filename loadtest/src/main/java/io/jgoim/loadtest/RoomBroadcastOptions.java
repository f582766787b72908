package io.jgoim.loadtest;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code room-broadcast} scenario: {@link SessionOptions#sessions()} subscribers in one room (their token's room
 * must be the push's {@code type://id}) and one open-loop publisher at {@link PushOptions#rate()} for
 * {@link PushOptions#duration()}; receivers then get {@code grace} to drain. Immutable.
 *
 * @param sessions  the subscribers
 * @param push      the publisher (target ROOM)
 * @param grace     how long receivers may still drain after the last publish
 * @param publish   false in a worker process: the parent publishes
 * @param prewarm   how long to publish unmeasured messages first, at the same rate to the same room, so that the
 *                  JITs of the server and of every receiver have compiled the delivery path before measuring (a
 *                  cold receiver spends its first seconds compiling and interpreting, and its backlog is then
 *                  measured as the server's latency); 0 = none
 */
public record RoomBroadcastOptions(SessionOptions sessions, PushOptions push, Duration grace, boolean publish,
                                   Duration prewarm) {
    public RoomBroadcastOptions(SessionOptions sessions, PushOptions push, Duration grace, boolean publish) {
        this(sessions, push, grace, publish, Duration.ZERO);
    }

    public RoomBroadcastOptions {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(push, "push");
        Bounds.nonNegative("grace", grace);
        Bounds.nonNegative("prewarm", prewarm);
        if (push.target() != PushTarget.ROOM) {
            throw new IllegalArgumentException("room-broadcast pushes to a room, not " + push.target());
        }
        if (!sessions.room().equals(push.roomKey())) {
            throw new IllegalArgumentException("subscribers join " + sessions.room() + " but pushes go to "
                    + push.roomKey());
        }
    }
}
