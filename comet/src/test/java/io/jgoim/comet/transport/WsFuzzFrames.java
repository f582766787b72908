package io.jgoim.comet.transport;

import io.jgoim.comet.transport.RawWebSocket.Length;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.jgoim.comet.transport.RawWebSocket.closePayload;

/**
 * RFC 6455 framing for {@link ProtocolFuzzIT}: client frames made by hand with any first byte, masked or not, and any
 * length encoding (minimal, 16 or 64 bits where fewer would do, a 64-bit length with its top bit set); a case's goim
 * frames wrapped one per binary message, some broken at the WebSocket level (opcode, RSV bits, mask, length encoding,
 * fragments, text); control and odd frames between them, valid and not. Also reads back the close codes a case sent,
 * which the comet echoes when valid. Draws and notes through the case's {@link FuzzInputs}.
 */
final class WsFuzzFrames {
    private static final int FIN = 0x80;
    private static final int BINARY = 0x2;
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final int[] RESERVED = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};
    private static final int[] BAD_CLOSE_CODES = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535};
    private static final int[] GOOD_CLOSE_CODES = {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4000, 4504, 4999};

    private final FuzzInputs in;
    private final int maxFrame;

    WsFuzzFrames(FuzzInputs in, int maxFrame) {
        this.in = in;
        this.maxFrame = maxFrame;
    }

    /** One masked, final binary message carrying {@code payload}: what a well-behaved client sends. */
    byte[] binary(byte[] payload) {
        return frame(FIN | BINARY, true, Length.MINIMAL, payload);
    }

    /** The goim frames as WebSocket frames, some broken, with control and odd frames between them. */
    List<byte[]> wrap(List<byte[]> goimFrames) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] g : goimFrames) {
            if (in.chance(0.15)) {
                out.add(control());
            }
            out.add(in.chance(0.12) ? brokenMessage(g) : binary(g));
        }
        if (in.chance(0.15)) {
            out.add(control());
        }
        return out;
    }

    private byte[] brokenMessage(byte[] g) {
        switch (in.r.nextInt(9)) {
            case 0:
                int op = in.pick(RESERVED);
                in.note("ws reserved opcode " + op);
                return frame(FIN | op, true, Length.MINIMAL, g);
            case 1:
                in.note("ws text message with a goim frame");
                return frame(FIN | TEXT, true, Length.MINIMAL, g);
            case 2:
                in.note("ws continuation with no start");
                return frame(FIN, true, Length.MINIMAL, g);
            case 3:
                int rsv = (1 + in.r.nextInt(7)) << 4;
                in.note("ws rsv " + Integer.toHexString(rsv));
                return frame(FIN | rsv | BINARY, true, Length.MINIMAL, g);
            case 4:
                in.note("ws unmasked");
                return frame(FIN | BINARY, false, Length.MINIMAL, g);
            case 5:
                Length l = in.r.nextBoolean() ? Length.SIXTEEN : Length.SIXTY_FOUR;
                in.note("ws non-minimal length " + l);
                return frame(FIN | BINARY, true, l, g);
            case 6:
                in.note("ws fragmented binary");
                int cut = in.r.nextInt(g.length + 1);
                byte[] first = frame(BINARY, true, Length.MINIMAL, java.util.Arrays.copyOf(g, cut));
                byte[] between = in.r.nextBoolean() ? frame(FIN | PING, true, Length.MINIMAL, new byte[2])
                        : new byte[0];
                return FuzzInputs.concat(first, between,
                        frame(FIN, true, Length.MINIMAL, java.util.Arrays.copyOfRange(g, cut, g.length)));
            case 7:
                in.note("ws first fragment only");
                return frame(BINARY, true, Length.MINIMAL, g);
            default:
                in.note("ws non-final text");
                return frame(TEXT, true, Length.MINIMAL, g);
        }
    }

    /** A control frame or an odd data frame: valid pings, pongs and closes, and every way to break them. */
    byte[] control() {
        switch (in.r.nextInt(14)) {
            case 0:
                in.note("ws ping");
                return frame(FIN | PING, true, Length.MINIMAL, in.random(in.r.nextInt(126)));
            case 1:
                in.note("ws pong");
                return frame(FIN | PONG, true, Length.MINIMAL, in.random(in.r.nextInt(126)));
            case 2:
                in.note("ws ping over 125 bytes");
                return frame(FIN | PING, true, Length.MINIMAL, in.random(126 + in.r.nextInt(200)));
            case 3:
                in.note("ws fragmented ping");
                return frame(PING, true, Length.MINIMAL, in.random(in.r.nextInt(10)));
            case 4:
                int code = in.pick(GOOD_CLOSE_CODES);
                in.note("ws close " + code);
                return frame(FIN | CLOSE, true, Length.MINIMAL, closePayload(code, in.r.nextBoolean()
                        ? "bye".getBytes(StandardCharsets.UTF_8) : new byte[0]));
            case 5:
                int bad = in.pick(BAD_CLOSE_CODES);
                in.note("ws close with code " + bad);
                return frame(FIN | CLOSE, true, Length.MINIMAL, closePayload(bad));
            case 6:
                in.note("ws close with a 1-byte payload");
                return frame(FIN | CLOSE, true, Length.MINIMAL, in.random(1));
            case 7:
                in.note("ws close reason not UTF-8");
                return frame(FIN | CLOSE, true, Length.MINIMAL,
                        closePayload(1000, (byte) 0xc3, (byte) 0x28, (byte) 0xff));
            case 8:
                in.note("ws close over 125 bytes");
                return frame(FIN | CLOSE, true, Length.MINIMAL, closePayload(1000, new byte[124 + in.r.nextInt(50)]));
            case 9:
                in.note("ws close without a code");
                return frame(FIN | CLOSE, true, Length.MINIMAL, new byte[0]);
            case 10:
                in.note("ws text not UTF-8");
                return frame(FIN | TEXT, true, Length.MINIMAL, new byte[] {(byte) 0xfe, (byte) 0xc0, (byte) 0x80});
            case 11:
                long[] lengths = {1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, -1L, maxFrame + 1L, 70000, 1L << 32};
                long declared = lengths[in.r.nextInt(lengths.length)];
                in.note("ws declared 64-bit length " + Long.toUnsignedString(declared));
                return header64(FIN | BINARY, in.r.nextBoolean(), declared);
            case 12:
                int over = maxFrame + 1 + in.r.nextInt(1000);
                in.note("ws 16-bit declared length " + over + " over maxFrameBytes");
                return header16(FIN | BINARY, over);
            default:
                in.note("ws ping with a 16-bit length");
                return frame(FIN | PING, true, Length.SIXTEEN, in.random(in.r.nextInt(20)));
        }
    }

    /** A frame: {@code firstByte} as given, masked with a random key or not, its length written as {@code length}. */
    byte[] frame(int firstByte, boolean masked, Length length, byte[] payload) {
        byte[] mask = !masked ? null : in.chance(0.1) ? new byte[4] : in.random(4);
        return RawWebSocket.frame(firstByte, mask, length, payload);
    }

    private byte[] header64(int firstByte, boolean masked, long declared) {
        return FuzzInputs.concat(RawWebSocket.header64(firstByte, masked ? in.random(4) : null, declared),
                in.random(in.r.nextInt(32)));
    }

    private byte[] header16(int firstByte, int declared) {
        return FuzzInputs.concat(new byte[] {(byte) firstByte, (byte) (0x80 | 126), (byte) (declared >>> 8),
            (byte) declared}, in.random(4), in.random(in.r.nextInt(64)));
    }

    /**
     * The codes of the close frames in the client bytes {@code sent}, read as the comet reads them up to the first
     * frame that does not parse (-1 for a close frame without a code): a valid one the comet echoes.
     */
    static Set<Integer> closeCodesSent(byte[] sent) {
        Set<Integer> codes = new HashSet<>();
        int at = 0;
        while (at + 2 <= sent.length) {
            int b0 = sent[at] & 0xff;
            int b1 = sent[at + 1] & 0xff;
            at += 2;
            long len = b1 & 0x7f;
            if (len == 126) {
                if (at + 2 > sent.length) {
                    break;
                }
                len = (sent[at] & 0xff) << 8 | (sent[at + 1] & 0xff);
                at += 2;
            } else if (len == 127) {
                if (at + 8 > sent.length) {
                    break;
                }
                len = java.nio.ByteBuffer.wrap(sent, at, 8).getLong();
                at += 8;
            }
            byte[] mask = new byte[4];
            if ((b1 & 0x80) != 0) {
                if (at + 4 > sent.length) {
                    break;
                }
                System.arraycopy(sent, at, mask, 0, 4);
                at += 4;
            }
            if (len < 0 || len > sent.length - at) {
                break;
            }
            if ((b0 & 0x0f) == CLOSE) {
                if (len == 0) {
                    codes.add(-1);
                } else if (len >= 2) {
                    codes.add(((sent[at] ^ mask[0]) & 0xff) << 8 | ((sent[at + 1] ^ mask[1]) & 0xff));
                }
            }
            at += (int) len;
        }
        return codes;
    }
}
