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
 * @param retry      whether and how sessions refused with a code of the reconnect class try again
 *                   ({@link RefusalRetry#OFF}: never, every refusal is a lost session)
 */
public record ConnectOptions(SessionOptions sessions, Duration hold, long serverPid, boolean serverHeap,
                             RefusalRetry retry) {
    public ConnectOptions(SessionOptions sessions, Duration hold, long serverPid) {
        this(sessions, hold, serverPid, false);
    }

    public ConnectOptions(SessionOptions sessions, Duration hold, long serverPid, boolean serverHeap) {
        this(sessions, hold, serverPid, serverHeap, RefusalRetry.OFF);
    }

    public ConnectOptions {
        java.util.Objects.requireNonNull(sessions, "sessions");
        java.util.Objects.requireNonNull(retry, "retry");
        Bounds.nonNegative("hold", hold);
        if (serverPid < 0) {
            throw new IllegalArgumentException("server pid must be >= 0: " + serverPid);
        }
    }
}
