package io.jgoim.protocol.stream;

import io.jgoim.protocol.Tenancy;

/**
 * A message's place in its stream: the stream's {@code epoch} (it changes whenever the stream's history may have been
 * lost, so offsets of different epochs are never compared) and the message's {@code offset} (+1 per message within an
 * epoch, the first message is 1; 0 = before the first message). Stream names: a room stream is the room id
 * ({@code type://id}), a member's stream is {@code mid:<mid>} ({@link #memberStream}), and broadcasts are the one
 * stream {@value #BROADCAST} (no {@code ://}, no {@code mid:} prefix: it cannot be a goim room id or a member stream).
 * A declared tenant's streams are namespaced like its rooms ({@link io.jgoim.protocol.Tenancy}):
 * {@code <tenant><US>mid:<mid>} and {@code <tenant><US>broadcast}, so they are sequenced and stored apart from every
 * other tenant's; the default tenant's names are the ones above, unchanged.
 */
public record StreamPosition(String stream, long epoch, long offset) {
    /** The stream of broadcasts ({@code /goim/push/all}). */
    public static final String BROADCAST = "broadcast";

    /**
     * The streams a session in room {@code roomId} (empty: none) of member {@code mid} (0: anonymous) has, in the
     * order its auth reply lists them: its room, its member stream, the broadcast stream.
     */
    public static java.util.List<String> sessionStreams(String roomId, long mid) {
        return sessionStreams(roomId, mid, Tenancy.DEFAULT);
    }

    /**
     * {@link #sessionStreams(String, long)} of a session of {@code tenant} ("" = the default tenant; its
     * {@code roomId} already namespaced): its room, its tenant's member stream, its tenant's broadcast stream.
     */
    public static java.util.List<String> sessionStreams(String roomId, long mid, String tenant) {
        java.util.List<String> out = new java.util.ArrayList<>(3);
        if (!roomId.isEmpty()) {
            out.add(roomId);
        }
        if (mid != 0) {
            out.add(memberStream(tenant, mid));
        }
        out.add(broadcastStream(tenant));
        return out;
    }

    /** True for the broadcast stream's name, of any tenant. Allocates nothing. */
    public static boolean isBroadcastStream(String stream) {
        int from = stream.indexOf(Tenancy.SEPARATOR) + 1;
        return stream.length() - from == BROADCAST.length() && stream.startsWith(BROADCAST, from);
    }

    /** The stream of {@code tenant}'s broadcasts ({@value #BROADCAST} for the default tenant). */
    public static String broadcastStream(String tenant) {
        return Tenancy.namespaced(tenant, BROADCAST);
    }

    /** The stream name of member {@code mid}'s personal stream (the default tenant's member). */
    public static String memberStream(long mid) {
        return "mid:" + mid;
    }

    /** The personal stream of {@code tenant}'s member {@code mid} ("" = the default tenant). */
    public static String memberStream(String tenant, long mid) {
        return Tenancy.namespaced(tenant, "mid:" + mid);
    }

    /** True for a member stream name ({@code mid:<digits>}, of any tenant). Allocates nothing. */
    public static boolean isMemberStream(String stream) {
        return stream.startsWith("mid:", stream.indexOf(Tenancy.SEPARATOR) + 1);
    }
}
