package io.jgoim.protocol.stream;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The binary list of stream positions carried after an auth token, after an auth reply's JSON, in a stream-state
 * frame (op 21) and in an ack (op 22). All integers big-endian:
 *
 * <pre>
 *  u8  count                       (0..{@value #MAX_ENTRIES})
 *  count times:
 *    u8  flags                     bit 0: the client asked to resume this stream (server to client only)
 *    u16 code                      0, or the ErrorCode saying why a resume is not complete (server to client only)
 *    u16 stream length n           (1..{@value #MAX_STREAM_BYTES})
 *    n   stream                    UTF-8: a room id, or mid:&lt;mid&gt;
 *    u64 epoch
 *    u64 offset                    (0..2^63-1)
 * </pre>
 *
 * A list that breaks a rule (truncated, trailing bytes, too many entries, an empty, overlong or non-UTF-8 stream name,
 * a negative offset, a stream named twice) is refused with {@link ErrorCode#BAD_POSITION}. Stateless.
 */
public final class PositionList {
    public static final int MAX_ENTRIES = 16;
    public static final int MAX_STREAM_BYTES = 255;
    private static final int FIXED_ENTRY_BYTES = 1 + 2 + 2 + 8 + 8;

    private PositionList() {
    }

    /** The encoded size of {@code entries}. */
    public static int size(List<StreamState> entries) {
        int n = 1;
        for (StreamState e : entries) {
            n += FIXED_ENTRY_BYTES + e.stream().getBytes(StandardCharsets.UTF_8).length;
        }
        return n;
    }

    /**
     * Writes {@code entries} (at most {@value #MAX_ENTRIES}) to {@code out}. Refuses, before writing a byte, a list
     * that {@link #read} would refuse (so a writer never produces what its peer closes the session for).
     */
    public static void write(ByteBuf out, List<StreamState> entries) {
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " entries");
        }
        Set<String> seen = new HashSet<>();
        for (StreamState e : entries) {
            int n = e.stream().getBytes(StandardCharsets.UTF_8).length;
            if (n == 0 || n > MAX_STREAM_BYTES) {
                throw new IllegalArgumentException("stream name of " + n + " bytes");
            }
            if (e.offset() < 0) {
                throw new IllegalArgumentException("negative offset for " + e.stream());
            }
            if (e.code() < 0 || e.code() > 0xFFFF) {
                throw new IllegalArgumentException("code " + e.code() + " does not fit in u16");
            }
            if (!seen.add(e.stream())) {
                throw new IllegalArgumentException("stream " + e.stream() + " named twice");
            }
        }
        out.writeByte(entries.size());
        for (StreamState e : entries) {
            byte[] name = e.stream().getBytes(StandardCharsets.UTF_8);
            out.writeByte(e.asked() ? 1 : 0);
            out.writeShort(e.code());
            out.writeShort(name.length);
            out.writeBytes(name);
            out.writeLong(e.epoch());
            out.writeLong(e.offset());
        }
    }

    /** Reads a whole list from {@code in}'s readable bytes (advancing it); refuses anything malformed. */
    public static List<StreamState> read(ByteBuf in) {
        if (!in.isReadable()) {
            throw bad("empty position list");
        }
        int count = in.readUnsignedByte();
        if (count > MAX_ENTRIES) {
            throw bad(count + " positions, at most " + MAX_ENTRIES);
        }
        List<StreamState> out = new ArrayList<>(count);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            if (in.readableBytes() < 5) {
                throw bad("position list truncated");
            }
            int flags = in.readUnsignedByte();
            int code = in.readUnsignedShort();
            int len = in.readUnsignedShort();
            if (len == 0 || len > MAX_STREAM_BYTES) {
                throw bad("stream name of " + len + " bytes");
            }
            if (in.readableBytes() < len + 16) {
                throw bad("position list truncated");
            }
            String stream = utf8(in, len);
            if (stream == null) {
                throw bad("stream name is not UTF-8");
            }
            long epoch = in.readLong();
            long offset = in.readLong();
            if (offset < 0) {
                throw bad("negative offset for " + stream);
            }
            if (!seen.add(stream)) {
                throw bad("stream " + stream + " named twice");
            }
            out.add(new StreamState(stream, epoch, offset, (flags & 1) != 0, code));
        }
        if (in.isReadable()) {
            throw bad(in.readableBytes() + " bytes after the position list");
        }
        return out;
    }

    /** Reads {@code len} bytes of strict UTF-8 (advancing {@code in}); null when they are not UTF-8. */
    static String utf8(ByteBuf in, int len) {
        ByteBuffer b = in.nioBuffer(in.readerIndex(), len);
        in.skipBytes(len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_POSITION, CloseCode.PROTOCOL_ERROR, message);
    }
}
