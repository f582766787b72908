package io.jgoim.protocol;

/**
 * The goim v2 frame layout, byte for byte. All integers are big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     packLen (int32) = 16 + body              |  0
 *  +-------------------------------+-------------------------------+
 *  |     headerLen (int16) = 16    |          ver (int16)          |  4
 *  +-------------------------------+-------------------------------+
 *  |                          op (int32)                           |  8
 *  +---------------------------------------------------------------+
 *  |                          seq (int32)                          | 12
 *  +---------------------------------------------------------------+
 *  |                        body (packLen - 16)                   ...| 16
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * packLen counts the whole frame including itself; headerLen is always 16 in goim v2.
 */
public final class PacketLayout {
    public static final int PACK_LEN_OFFSET = 0;
    public static final int HEADER_LEN_OFFSET = 4;
    public static final int VER_OFFSET = 6;
    public static final int OP_OFFSET = 8;
    public static final int SEQ_OFFSET = 12;
    public static final int BODY_OFFSET = 16;

    /** Size of the fixed header, and the only headerLen value goim v2 accepts. */
    public static final int HEADER_LENGTH = 16;

    /** goim's default limit for a client→server body (its MaxBodySize). */
    public static final int DEFAULT_MAX_BODY = 4096;

    /** The protocol version goim v2 clients and servers write. */
    public static final short VERSION = 1;

    /**
     * A version a jgoim-aware client may put in its auth frame to say it understands the extension ops (18–99),
     * for example the TCP goodbye frame {@link Op#DISCONNECT}. goim clients send {@link #VERSION}.
     */
    public static final short VERSION_EXTENDED = 2;

    /**
     * The version a client puts in its auth frame to ask for stream positions: everything {@link #VERSION_EXTENDED}
     * means, and pushes come as {@link Op#PUBLICATIONS} with their stream and position, the auth body may carry the
     * client's last positions after the token (a NUL byte, then a position list) and the auth reply carries the
     * streams' current positions the same way. A ver-2 client sees none of it.
     */
    public static final short VERSION_POSITIONS = 3;

    private PacketLayout() {
    }
}
