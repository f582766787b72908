package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.stream.StreamPosition;

import java.util.Collection;
import java.util.function.IntPredicate;

/**
 * Which messages of its streams a position-aware session <em>skips</em>: it is not written to the client, but the
 * session's cursor still advances past its offset (no gap, no history read), so skipping is invisible to the merge
 * by offset. One rule for live pushes and history entries alike:
 * <ul>
 *   <li>a message with an audience (a key push in its member's stream: the session keys it was addressed to) is
 *       skipped by every session whose key is not in it;</li>
 *   <li>a message of a member stream or of the broadcast stream whose business op the session does not watch is
 *       skipped (goim's op filter for key pushes and broadcasts, {@code Session.needPush}); room messages are never
 *       filtered by op, as in goim.</li>
 * </ul>
 * One instance per position-aware session; stateless itself (the watched ops are read through {@code watches}, whose
 * owner makes them safe to read from the session's event loop).
 */
public final class StreamFilter {
    /** No op known (a multi-message room batch): the op rule does not apply. */
    public static final int ANY_OP = -1;

    private final String key;
    private final IntPredicate watches;

    /**
     * @param key     the session's key (its device)
     * @param watches the session's op filter: true when it receives pushes of that op
     */
    public StreamFilter(String key, IntPredicate watches) {
        this.key = key;
        this.watches = watches;
    }

    /**
     * True when the session skips a message of {@code stream} with business op {@code op} ({@link #ANY_OP}: unknown)
     * addressed to {@code audience} (null: every session).
     */
    public boolean skips(String stream, int op, Collection<String> audience) {
        if (audience != null && !audience.contains(key)) {
            return true;
        }
        return op != ANY_OP && opFiltered(stream) && !watches.test(op);
    }

    /** True for the streams whose messages goim filters by op: member streams and the broadcast stream. */
    static boolean opFiltered(String stream) {
        return StreamPosition.isMemberStream(stream) || StreamPosition.isBroadcastStream(stream);
    }

    /** The business op of a history entry (one whole goim frame), or {@link #ANY_OP} when it is too short. */
    public static int op(ByteString entry) {
        if (entry.size() < PacketLayout.HEADER_LENGTH) {
            return ANY_OP;
        }
        int at = PacketLayout.OP_OFFSET;
        return (entry.byteAt(at) & 0xff) << 24 | (entry.byteAt(at + 1) & 0xff) << 16
                | (entry.byteAt(at + 2) & 0xff) << 8 | (entry.byteAt(at + 3) & 0xff);
    }
}
