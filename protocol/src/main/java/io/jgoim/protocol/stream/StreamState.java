package io.jgoim.protocol.stream;

import io.jgoim.protocol.ErrorCode;

/**
 * One entry of a {@link PositionList}. From a client (auth tail, ack): the last position it holds of {@code stream};
 * {@code asked} and {@code code} are false/0. From the server (auth reply tail, stream state): the stream's current
 * position, whether the client {@code asked} to resume it, and {@code code}: 0 (OK) when the resume is complete — every
 * missed message follows as op 20 — or the {@link ErrorCode} that says why not (EPOCH_CHANGED, HISTORY_TOO_SHORT,
 * POSITION_AHEAD, HISTORY_OFF, STREAM_FORBIDDEN).
 */
public record StreamState(String stream, long epoch, long offset, boolean asked, int code) {
    /** A client's position. */
    public static StreamState of(String stream, long epoch, long offset) {
        return new StreamState(stream, epoch, offset, false, 0);
    }

    public StreamPosition position() {
        return new StreamPosition(stream, epoch, offset);
    }

    /** True when the client asked to resume and gets everything it missed. */
    public boolean recovered() {
        return asked && code == ErrorCode.OK.code();
    }
}
