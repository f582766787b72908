package io.jgoim.loadtest;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code resume-storm} scenario: {@link SessionOptions#sessions()} position-aware sessions in one room get
 * {@code seedMessages}, lose their link together, miss {@code missedMessages} published while they are away, and come
 * back spread over {@code window}: session k of all {@code totalSessions} reconnects {@code away + window * k /
 * totalSessions} after its cut. Immutable and validated.
 *
 * @param sessions       this process's sessions (their room must be the push's room; positions are forced on)
 * @param push           the publisher: room, op, payload size, rate and HTTP base (its duration is not used)
 * @param seedMessages   messages every session receives before the cut, so each holds a position in the room
 * @param missedMessages messages published while the sessions are away
 * @param away           how long after its cut the first session reconnects; publishing the missed messages must
 *                       end before it
 * @param window         the reconnects are spread evenly over this long
 * @param totalSessions  sessions over all processes (spreads the reconnects of every process over one window)
 * @param memberStreams  sessions authenticate as members {@code midBase + index} (each then also resumes its own
 *                       member stream: one store read per client, which no cache can share); false: member id 0,
 *                       the room stream only
 * @param grace          how long to wait, after the last scheduled reconnect, for the recoveries to finish; also
 *                       the bound on the seed messages' delivery
 * @param publish        false in a worker process: the parent publishes and reads the server's metrics
 * @param metrics        the standalone's (or comet's) Prometheus page, read before and after; null: not read
 */
public record ResumeStormOptions(SessionOptions sessions, PushOptions push, int seedMessages, int missedMessages,
                                 Duration away, Duration window, int totalSessions, boolean memberStreams,
                                 Duration grace, boolean publish, URI metrics) {
    public static final int MAX_MESSAGES = 100_000;

    public ResumeStormOptions {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(push, "push");
        sessions = sessions.withPositions(true);
        if (push.target() != PushTarget.ROOM) {
            throw new IllegalArgumentException("resume-storm pushes to a room, not " + push.target());
        }
        if (!sessions.room().equals(push.roomKey())) {
            throw new IllegalArgumentException("sessions join " + sessions.room() + " but pushes go to "
                    + push.roomKey());
        }
        if (seedMessages < 1 || seedMessages > MAX_MESSAGES) {
            throw new IllegalArgumentException("seed messages must be in 1.." + MAX_MESSAGES + ": " + seedMessages);
        }
        if (missedMessages < 1 || missedMessages > MAX_MESSAGES) {
            throw new IllegalArgumentException("missed messages must be in 1.." + MAX_MESSAGES + ": "
                    + missedMessages);
        }
        if (totalSessions < sessions.sessions()) {
            throw new IllegalArgumentException("total sessions " + totalSessions + " < this process's "
                    + sessions.sessions());
        }
        Bounds.positive("away", away);
        Bounds.nonNegative("window", window);
        Bounds.positive("grace", grace);
    }

    /** When session {@code index} (global) reconnects, counted from its cut. */
    public Duration reconnectDelay(long index) {
        long spread = totalSessions == 0 ? 0 : (long) (window.toNanos() * (double) index / totalSessions);
        return away.plusNanos(spread);
    }

    /** This worker's share of the sessions; the parent publishes. */
    public ResumeStormOptions share(int index, int count) {
        return new ResumeStormOptions(sessions.share(index, count), push, seedMessages, missedMessages, away, window,
                totalSessions, memberStreams, grace, false, metrics);
    }

    /** From the cut until every recovery must have ended. */
    Duration recoveryBound() {
        return away.plus(window).plus(grace);
    }
}
