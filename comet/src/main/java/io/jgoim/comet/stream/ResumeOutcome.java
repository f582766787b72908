package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;

import java.util.List;
import java.util.Map;

/**
 * What a resume found for one stream: the auth reply's entry and the messages to write first ({@code entries}
 * from offset {@code first}, with their {@code audiences}: the session skips the ones not for it, see
 * {@link StreamFilter}). The entry's position is where the client is once they are written (past skipped entries
 * too). Immutable.
 */
record ResumeOutcome(StreamState state, long first, List<ByteString> entries, Map<Long, List<String>> audiences) {
    ResumeOutcome(StreamState state, long first, List<ByteString> entries) {
        this(state, first, entries, Map.of());
    }

    /**
     * True for the broadcast stream when it keeps no history and the client did not ask for it: every session has
     * it, but the auth reply lists it only when it has positions (so a cluster without broadcast history answers
     * exactly as before).
     */
    boolean unlisted() {
        return StreamPosition.isBroadcastStream(state.stream()) && !state.asked()
                && state.code() == ErrorCode.HISTORY_OFF.code();
    }

    /** Where the session stands once the entries are written. */
    long cursorAt() {
        return entries.isEmpty() ? state.offset() : first + entries.size() - 1;
    }

    /**
     * A stream the client asked to resume from {@code a}, whose epoch changed: EPOCH_CHANGED at (new epoch, 0) —
     * the stream continues after 0 — with every message of the new epoch when history still holds them all from
     * its first; else EPOCH_CHANGED at the new epoch's top, as before.
     */
    static ResumeOutcome newEpoch(StreamState a, History h) {
        String s = a.stream();
        int code = ErrorCode.EPOCH_CHANGED.code();
        if (!h.off() && h.complete() && !h.entries().isEmpty() && h.first() == 1) {
            return new ResumeOutcome(new StreamState(s, h.epoch(), 0, true, code), 1, h.entries(), h.audiences());
        }
        return new ResumeOutcome(new StreamState(s, h.epoch(), h.top(), true, code), 0, List.of());
    }

    /** A stream the client asked nothing for: its newest position. */
    static ResumeOutcome fresh(String stream, History h) {
        if (h.off()) {
            return new ResumeOutcome(new StreamState(stream, 0, 0, false, ErrorCode.HISTORY_OFF.code()), 0,
                    List.of());
        }
        return new ResumeOutcome(new StreamState(stream, h.epoch(), h.top(), false, 0), 0, List.of());
    }

    /**
     * A stream the client asked to resume from {@code a}; {@code fromStart}: it asked from (0, 0), before the
     * stream had any message, so every message of the current epoch is one it missed.
     */
    static ResumeOutcome resumed(StreamState a, History h, boolean fromStart) {
        String s = a.stream();
        if (h.off()) {
            return new ResumeOutcome(new StreamState(s, 0, 0, true, ErrorCode.HISTORY_OFF.code()), 0, List.of());
        }
        ErrorCode code = null;
        if (!fromStart && h.epoch() != a.epoch()) {
            code = ErrorCode.EPOCH_CHANGED;
        } else if (a.offset() > h.top()) {
            code = ErrorCode.POSITION_AHEAD;
        } else if (!h.complete()) {
            code = ErrorCode.HISTORY_TOO_SHORT;
        }
        if (code != null) {
            return new ResumeOutcome(new StreamState(s, h.epoch(), h.top(), true, code.code()), 0, List.of());
        }
        long last = a.offset() + h.entries().size();
        return new ResumeOutcome(new StreamState(s, h.epoch(), last, true, 0), a.offset() + 1, h.entries(),
                h.audiences());
    }
}
