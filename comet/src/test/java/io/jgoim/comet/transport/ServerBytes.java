package io.jgoim.comet.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a comet may send a client, checked byte for byte ({@link ProtocolFuzzIT}). TCP: whole goim frames (headerLen
 * 16) of server ops; an error reply's body is JSON {@code {"code":n,"message":"..."}} with n an {@link ErrorCode}; a
 * goodbye (op 18) carries a {@link CloseCode} and a UTF-8 reason, and nothing follows it. WebSocket: unmasked final
 * frames without RSV bits, lengths in their shortest encoding, binary, close or pong only; each binary message is one
 * whole goim frame as above (op 9: whole inner frames); a close frame carries a CloseCode, or echoes a valid code the
 * client sent, with a UTF-8 reason of at most 123 bytes, and nothing follows it. Both: an error reply of a frame or
 * token refusal followed at once by the close carries the close code docs/protocol.md pairs with it; a goim (ver 1)
 * session, whose auth reply is a bare header, never gets an extension op (18-99); INTERNAL, as an error or a close
 * code, is a bug of the comet. One instance per check.
 */
final class ServerBytes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> problems = new ArrayList<>();
    private final List<String> units = new ArrayList<>();
    private final Set<Integer> echoable;
    /** The auth reply was a bare header: a goim client, which never gets an extension op. */
    private boolean goimSession;
    /** An auth reply was read. */
    private boolean authed;
    /** The code of the error reply just read, until the next unit (-1: the last unit was not one). */
    private int lastError = -1;

    /**
     * The check of everything received so far.
     *
     * @param problems what breaks the rules above
     * @param units    what was received, one word each (op 8, op 19 code 1, close 4504, ...)
     * @param partial  the bytes end inside a frame (more may come)
     * @param goodbye  a goodbye (op 18 over TCP) or a close frame was received
     */
    record Verdict(List<String> problems, List<String> units, boolean partial, boolean goodbye) {
        /** The last unit received, or "nothing". */
        String last() {
            return units.isEmpty() ? "nothing" : units.get(units.size() - 1);
        }
    }

    private ServerBytes(Set<Integer> echoable) {
        this.echoable = echoable;
    }

    /** The TCP byte stream a comet sent. */
    static Verdict tcp(byte[] bytes) {
        return new ServerBytes(Set.of()).readTcp(bytes);
    }

    /** The WebSocket byte stream a comet sent after its 101; {@code echoable}: close codes the client sent. */
    static Verdict webSocket(byte[] bytes, Set<Integer> echoable) {
        return new ServerBytes(echoable).readWebSocket(bytes);
    }

    private Verdict readTcp(byte[] bytes) {
        boolean goodbye = false;
        int at = 0;
        while (bytes.length - at >= 4) {
            int packLen = ByteBuffer.wrap(bytes, at, 4).getInt();
            if (packLen < PacketLayout.HEADER_LENGTH) {
                problems.add("frame at " + at + " has packLen " + packLen);
                return new Verdict(problems, units, false, goodbye);
            }
            if (bytes.length - at < packLen) {
                return new Verdict(problems, units, true, goodbye);
            }
            if (goodbye) {
                problems.add("a frame after the goodbye");
            }
            String unit = goimFrame(ByteBuffer.wrap(bytes, at, packLen).slice(), false);
            unit(unit);
            goodbye |= unit.startsWith("op 18 ");
            at += packLen;
        }
        return new Verdict(problems, units, at < bytes.length, goodbye);
    }

    private Verdict readWebSocket(byte[] bytes) {
        boolean closed = false;
        int at = 0;
        while (bytes.length - at >= 2) {
            int b0 = bytes[at] & 0xff;
            int b1 = bytes[at + 1] & 0xff;
            int head = 2;
            long len = b1 & 0x7f;
            if (len == 126) {
                head = 4;
            } else if (len == 127) {
                head = 10;
            }
            if (bytes.length - at < head) {
                return new Verdict(problems, units, true, closed);
            }
            if (len == 126) {
                len = ByteBuffer.wrap(bytes, at + 2, 2).getShort() & 0xffff;
                if (len <= 125) {
                    problems.add("16-bit length " + len + " (not the shortest encoding)");
                }
            } else if (len == 127) {
                len = ByteBuffer.wrap(bytes, at + 2, 8).getLong();
                if (len <= 0xffff || len > Integer.MAX_VALUE) {
                    problems.add("64-bit length " + len + " (not the shortest encoding, or too large)");
                    return new Verdict(problems, units, false, closed);
                }
            }
            if ((b1 & 0x80) != 0) {
                problems.add("a masked server frame");
                return new Verdict(problems, units, false, closed);
            }
            if (bytes.length - at - head < len) {
                return new Verdict(problems, units, true, closed);
            }
            if (closed) {
                problems.add("a frame after the close frame");
            }
            if ((b0 & 0xf0) != 0x80) {
                problems.add("first byte " + Integer.toHexString(b0) + ": not final, or RSV bits set");
            }
            byte[] payload = java.util.Arrays.copyOfRange(bytes, at + head, at + head + (int) len);
            int opcode = b0 & 0x0f;
            if (opcode == 0x2) {
                unit(binaryMessage(payload));
            } else if (opcode == 0x8) {
                unit(closeFrame(payload));
                closed = true;
            } else if (opcode == 0xA) {
                unit("pong");
                if (payload.length > 125) {
                    problems.add("a pong over 125 bytes");
                }
            } else {
                problems.add("a server frame of opcode " + opcode);
                unit("opcode " + opcode);
            }
            at += head + (int) len;
        }
        return new Verdict(problems, units, at < bytes.length, closed);
    }

    /** Records {@code unit}; an error reply's code is paired with the close that may follow it at once. */
    private void unit(String unit) {
        units.add(unit);
        if (unit.startsWith("op 19 code ")) {
            lastError = Integer.parseInt(unit.substring("op 19 code ".length()));
            return;
        }
        String close = unit.startsWith("op 18 ") ? unit.substring("op 18 ".length())
                : unit.startsWith("close ") ? unit.substring("close ".length()) : null;
        if (close != null && lastError >= 0) {
            CloseCode paired = pairedClose(lastError);
            if (paired != null && !close.equals(Integer.toString(paired.code()))) {
                problems.add("error " + lastError + " followed by close " + close + ", not " + paired.code());
            }
        }
        lastError = -1;
    }

    /**
     * The close code docs/protocol.md (frame refusals, handshake) and docs/operations.md (heartbeat floor) pair
     * with an error reply's code, or null where the error may leave the session open (RATE_LIMITED is also a failed
     * upstream route's answer; a token code is also a refused refresh's) or is not paired with one code.
     */
    private CloseCode pairedClose(int error) {
        switch (ErrorCode.of(error)) {
            case BAD_PACKET:
            case UNKNOWN_OP:
            case BAD_HEADER_LENGTH:
            case OP_NOT_ALLOWED:
            case EMPTY_BODY:
            case BAD_POSITION:
                return CloseCode.PROTOCOL_ERROR;
            case BODY_TOO_LARGE:
                return CloseCode.FRAME_TOO_LARGE;
            case NOT_AUTHENTICATED:
                return CloseCode.NOT_AUTHENTICATED;
            case HANDSHAKE_TIMEOUT:
                return CloseCode.HANDSHAKE_TIMEOUT;
            case HEARTBEAT_TOO_FREQUENT:
                return CloseCode.SESSION_RATE_LIMITED;
            default:
                // a refused token closes at auth; a refused refresh (op 23) leaves the session open
                return error >= 100 && error <= 108 && !authed ? CloseCode.AUTH_FAILED : null;
        }
    }

    private String binaryMessage(byte[] payload) {
        if (payload.length < PacketLayout.HEADER_LENGTH) {
            problems.add("a binary message of " + payload.length + " bytes");
            return "short binary";
        }
        int packLen = ByteBuffer.wrap(payload).getInt();
        if (packLen != payload.length) {
            problems.add("a binary message of " + payload.length + " bytes with packLen " + packLen);
            return "bad binary";
        }
        return goimFrame(ByteBuffer.wrap(payload), true);
    }

    /** One whole goim frame from the server ({@code f}: exactly its bytes); returns its unit word. */
    private String goimFrame(ByteBuffer f, boolean webSocket) {
        int headerLen = f.getShort(PacketLayout.HEADER_LEN_OFFSET);
        int op = f.getInt(PacketLayout.OP_OFFSET);
        if (headerLen != PacketLayout.HEADER_LENGTH) {
            problems.add("op " + op + " with headerLen " + headerLen);
        }
        byte[] body = new byte[f.limit() - PacketLayout.HEADER_LENGTH];
        f.get(PacketLayout.HEADER_LENGTH, body);
        if (goimSession && Op.isExtension(op)) {
            problems.add("extension op " + op + " to a goim (ver 1) session");
        }
        if (op == Op.AUTH_REPLY && !authed) {
            authed = true;
            goimSession = units.isEmpty() && body.length == 0;
        }
        switch (op) {
            case Op.ERROR_REPLY:
                return "op 19 code " + errorCode(body);
            case Op.DISCONNECT:
                return "op 18 " + disconnectCode(body);
            case Op.RAW:
                if (!webSocket) {
                    problems.add("op 9 over TCP");
                }
                innerFrames(body);
                return "op 9";
            default:
                if (!isServerOp(op)) {
                    problems.add("op " + op + " is not an op a server sends");
                }
                return "op " + op;
        }
    }

    /** Replies (heartbeat, upstream echo, auth, room, watch, refresh, recent) and the server's extension ops. */
    private static boolean isServerOp(int op) {
        switch (op) {
            case Op.HEARTBEAT_REPLY:
            case Op.SEND_MSG:
            case Op.AUTH_REPLY:
            case Op.CHANGE_ROOM_REPLY:
            case Op.SUB_REPLY:
            case Op.UNSUB_REPLY:
            case Op.PUBLICATIONS:
            case Op.STREAM_STATE:
            case Op.REFRESH_REPLY:
            case Op.RECENT_REPLY:
                return true;
            default:
                return op >= Op.BUSINESS_MIN;
        }
    }

    private void innerFrames(byte[] body) {
        int at = 0;
        while (at < body.length) {
            if (body.length - at < PacketLayout.HEADER_LENGTH) {
                problems.add("op 9 ends inside a frame");
                return;
            }
            int packLen = ByteBuffer.wrap(body, at, 4).getInt();
            if (packLen < PacketLayout.HEADER_LENGTH || packLen > body.length - at) {
                problems.add("op 9 holds a frame of packLen " + packLen);
                return;
            }
            goimFrame(ByteBuffer.wrap(body, at, packLen).slice(), true);
            at += packLen;
        }
    }

    private int errorCode(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.path("code").isInt() || !n.path("message").isTextual()) {
                problems.add("error reply body " + new String(body, StandardCharsets.UTF_8));
                return -1;
            }
            int code = n.get("code").asInt();
            ErrorCode e = ErrorCode.of(code);
            if (e == ErrorCode.UNKNOWN || e == ErrorCode.INTERNAL) {
                problems.add("error reply code " + code + " (" + e + ")");
            }
            return code;
        } catch (java.io.IOException e) {
            problems.add("error reply body is not JSON: " + new String(body, StandardCharsets.UTF_8));
            return -1;
        }
    }

    private int disconnectCode(byte[] body) {
        if (body.length < 4) {
            problems.add("a goodbye of " + body.length + " bytes");
            return -1;
        }
        int code = ByteBuffer.wrap(body).getInt();
        checkCloseCode(code, Set.of());
        int end = 4;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        checkUtf8(java.util.Arrays.copyOfRange(body, 4, end), "goodbye reason");
        return code;
    }

    private String closeFrame(byte[] payload) {
        if (payload.length == 0) {
            if (!echoable.contains(-1)) {
                problems.add("a close frame without a code the client did not send");
            }
            return "close";
        }
        if (payload.length == 1) {
            problems.add("a close frame with a 1-byte payload");
            return "close ?";
        }
        int code = (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
        checkCloseCode(code, echoable);
        if (payload.length - 2 > 123) {
            problems.add("a close reason of " + (payload.length - 2) + " bytes");
        }
        checkUtf8(java.util.Arrays.copyOfRange(payload, 2, payload.length), "close reason");
        return "close " + code;
    }

    private void checkCloseCode(int code, Set<Integer> echoable) {
        CloseCode c = CloseCode.of(code);
        // RFC 6455 7.4 and IANA's registry: the codes a peer may send, which the comet echoes
        boolean peerCode = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
        boolean echo = echoable.contains(code) && peerCode;
        if (!echo && (c == CloseCode.UNKNOWN || c == CloseCode.INTERNAL)) {
            problems.add("close code " + code + " (" + c + ")");
        }
    }

    private void checkUtf8(byte[] text, String what) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(text));
        } catch (CharacterCodingException e) {
            problems.add(what + " is not UTF-8");
        }
    }
}
