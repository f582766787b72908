package io.jgoim.loadtest;

import java.time.Duration;

/**
 * The {@code connect} scenario: open {@link SessionOptions#sessions()} sessions at the connect rate, authenticate,
 * heartbeat, hold them for {@code hold}, then close. Immutable.
 *
 * @param sessions  where, how many, how fast
 * @param hold      how long to hold the sessions once all connects are done
 * @param serverPid the server's pid to read RSS and CPU from /proc, 0 for none
 * @param serverHeap also read the server's live heap with jcmd (forces a full GC before and while holding)
 */
public record ConnectOptions(SessionOptions sessions, Duration hold, long serverPid, boolean serverHeap) {
    public ConnectOptions(SessionOptions sessions, Duration hold, long serverPid) {
        this(sessions, hold, serverPid, false);
    }

    public ConnectOptions {
        java.util.Objects.requireNonNull(sessions, "sessions");
        Bounds.nonNegative("hold", hold);
        if (serverPid < 0) {
            throw new IllegalArgumentException("server pid must be >= 0: " + serverPid);
        }
    }
}
