package io.jgoim.comet.session;

/**
 * The yes/no states of a {@link SessionHandler}, packed in one byte (six booleans would take the handler from 96 to
 * 104 B under ZGC), and the static bit arithmetic on it. Event loop only, like the handler.
 */
final class SessionFlags {
    /** The client authenticated with an extended version (ver 2 or 3) and reads error replies and DISCONNECT. */
    static final int EXTENDED = 1;
    /** The WebSocket upgrade completed: close frames can go out. */
    static final int WS_OPEN = 2;
    /** The goodbye is written or the channel is gone: nothing more is read or answered. */
    static final int CLOSING = 4;
    /** Replies were written in this read pass and wait for its flush. */
    static final int PENDING_FLUSH = 8;
    /**
     * A slow-consumer check is scheduled ({@link SlowConsumerClock}; a bit, not the future: 8 B less per session,
     * the future of the rare slow session sits in a channel attribute until the check runs or the close cancels it).
     */
    static final int SLOW_CHECK = 16;
    /** The connection is a WebSocket (set once, at construction). */
    static final int WEB_SOCKET = 32;

    private SessionFlags() {
    }

    static boolean is(byte flags, int flag) {
        return (flags & flag) != 0;
    }

    static byte with(byte flags, int flag, boolean on) {
        return (byte) (on ? flags | flag : flags & ~flag);
    }
}
