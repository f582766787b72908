package io.jgoim.protocol.stream;

/**
 * A message's place in its stream: the stream's {@code epoch} (it changes whenever the stream's history may have been
 * lost, so offsets of different epochs are never compared) and the message's {@code offset} (+1 per message within an
 * epoch, the first message is 1; 0 = before the first message). Stream names: a room stream is the room id
 * ({@code type://id}), a member's stream is {@code mid:<mid>} ({@link #memberStream}), and broadcasts are the one
 * stream {@value #BROADCAST} (no {@code ://}, no {@code mid:} prefix: it cannot be a goim room id or a member stream).
 */
public record StreamPosition(String stream, long epoch, long offset) {
    /** The stream of broadcasts ({@code /goim/push/all}). */
    public static final String BROADCAST = "broadcast";

    /**
     * The streams a session in room {@code roomId} (empty: none) of member {@code mid} (0: anonymous) has, in the
     * order its auth reply lists them: its room, its member stream, the broadcast stream.
     */
    public static java.util.List<String> sessionStreams(String roomId, long mid) {
        java.util.List<String> out = new java.util.ArrayList<>(3);
        if (!roomId.isEmpty()) {
            out.add(roomId);
        }
        if (mid != 0) {
            out.add(memberStream(mid));
        }
        out.add(BROADCAST);
        return out;
    }

    /** True for the broadcast stream's name. */
    public static boolean isBroadcastStream(String stream) {
        return BROADCAST.equals(stream);
    }

    /** The stream name of member {@code mid}'s personal stream. */
    public static String memberStream(long mid) {
        return "mid:" + mid;
    }

    /** True for a member stream name ({@code mid:<digits>}). */
    public static boolean isMemberStream(String stream) {
        return stream.startsWith("mid:");
    }
}
