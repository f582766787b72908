package io.jgoim.protocol;

/**
 * goim v2 operation codes. A reply is the request's op + 1 (goim's rule).
 *
 * <table>
 *   <caption>ops</caption>
 *   <tr><th>request</th><th>reply</th><th>meaning</th></tr>
 *   <tr><td>2</td><td>3</td><td>heartbeat; the reply body is the int32 online count of the session's room</td></tr>
 *   <tr><td>4</td><td>5</td><td>upstream message (goim replies with op 4 itself and an empty body)</td></tr>
 *   <tr><td>7</td><td>8</td><td>auth: the first frame, body = token</td></tr>
 *   <tr><td>9</td><td>-</td><td>raw: body is one or more whole encoded frames; server to client only</td></tr>
 *   <tr><td>12</td><td>13</td><td>change room, body = room id</td></tr>
 *   <tr><td>14</td><td>15</td><td>watch ops, body = comma-separated op numbers</td></tr>
 *   <tr><td>16</td><td>17</td><td>unwatch ops, body = comma-separated op numbers</td></tr>
 *   <tr><td>23</td><td>24</td><td>extension: refresh the session's token, body = the new token</td></tr>
 *   <tr><td>18–99</td><td></td><td>reserved for jgoim extensions; a goim client never receives one it did not ask
 *       for (it must authenticate with ver {@link PacketLayout#VERSION_EXTENDED})</td></tr>
 *   <tr><td>&ge; 1000</td><td></td><td>business operations chosen by the pusher; a client may send them upstream</td></tr>
 * </table>
 */
public final class Op {
    public static final int HANDSHAKE = 0;
    public static final int HANDSHAKE_REPLY = 1;
    public static final int HEARTBEAT = 2;
    public static final int HEARTBEAT_REPLY = 3;
    public static final int SEND_MSG = 4;
    public static final int SEND_MSG_REPLY = 5;
    public static final int DISCONNECT_REPLY = 6;
    public static final int AUTH = 7;
    public static final int AUTH_REPLY = 8;
    public static final int RAW = 9;
    public static final int PROTO_READY = 10;
    public static final int PROTO_FINISH = 11;
    public static final int CHANGE_ROOM = 12;
    public static final int CHANGE_ROOM_REPLY = 13;
    public static final int SUB = 14;
    public static final int SUB_REPLY = 15;
    public static final int UNSUB = 16;
    public static final int UNSUB_REPLY = 17;

    /** First op of the range reserved for jgoim extensions. */
    public static final int EXTENSION_MIN = 18;
    /**
     * Extension: the server's goodbye over TCP, body = int32 close code + UTF-8 reason. Sent only to clients that
     * authenticated with {@link PacketLayout#VERSION_EXTENDED}; WebSocket carries the code in its close frame.
     */
    public static final int DISCONNECT = 18;
    /** Extension: a failed request's reply for extended clients, body = JSON {"code":n,"message":"..."}. */
    public static final int ERROR_REPLY = 19;
    /**
     * Extension for position-aware clients (auth ver {@link PacketLayout#VERSION_POSITIONS}): messages of one stream
     * with consecutive positions, body = u16 stream length, stream (UTF-8), u64 epoch, u64 offset of the first frame,
     * then whole frames back to back, frame i at offset first + i ({@link io.jgoim.protocol.stream.Publications}).
     */
    public static final int PUBLICATIONS = 20;
    /**
     * Extension for position-aware clients: a stream's state changed inside a session (a gap that could not be
     * recovered, an epoch change), body = a position list ({@link io.jgoim.protocol.stream.PositionList}).
     */
    public static final int STREAM_STATE = 21;
    /**
     * Extension, client to server: cumulative acknowledgements, body = a position list (each entry: everything of
     * that stream up to that offset was received). Not answered.
     */
    public static final int ACK = 22;
    /**
     * Extension, client to server, for extended sessions (auth ver &ge; 2): a new token for the open session, body =
     * the token. It must name the session's member; accepted, the session's expiry moves to the new token's (reply
     * {@link #REFRESH_REPLY}); refused, an {@link #ERROR_REPLY} with the auth error code, and the session stays open
     * until its old expiry. Exists so a session can outlive one token without reconnecting (Centrifugo's refresh).
     */
    public static final int REFRESH = 23;
    /** Extension: the refresh is accepted, body = JSON {"expires":unix seconds} (0 = the new token never expires). */
    public static final int REFRESH_REPLY = 24;
    /**
     * Extension, client to server, position-aware sessions only: the last messages of a stream (a late joiner's
     * recent comments), body = {@link io.jgoim.protocol.stream.RecentRequest} (u16 count, then the stream name);
     * answered with {@link #RECENT_REPLY}.
     */
    public static final int RECENT = 25;
    /** Extension: the answer to {@link #RECENT}, same seq, body = an op-20 body (stream, epoch, first, frames). */
    public static final int RECENT_REPLY = 26;
    /** Last op of the range reserved for jgoim extensions. */
    public static final int EXTENSION_MAX = 99;

    /** Business operations chosen by the pusher start here. */
    public static final int BUSINESS_MIN = 1000;

    private Op() {
    }

    /** True for ops a client may send to a comet after auth. */
    public static boolean isClientOp(int op) {
        return op == HEARTBEAT || op == SEND_MSG || op == AUTH || op == CHANGE_ROOM || op == SUB || op == UNSUB
                || op == ACK || op == REFRESH || op == RECENT || op >= BUSINESS_MIN;
    }

    /** True for client ops whose body must not be empty (auth token, room id, op lists). */
    public static boolean requiresBody(int op) {
        return op == AUTH || op == SUB || op == UNSUB || op == ACK || op == REFRESH || op == RECENT;
    }

    public static boolean isExtension(int op) {
        return op >= EXTENSION_MIN && op <= EXTENSION_MAX;
    }
}
