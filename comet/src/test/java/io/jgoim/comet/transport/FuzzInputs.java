package io.jgoim.comet.transport;

import io.jgoim.comet.TestClient;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The inputs of one {@link ProtocolFuzzIT} case, all drawn from the case's own {@link Random}, so a seed and a case
 * index replay the same bytes: valid goim frames of every client op (auth of ver 1-3 with a valid token, heartbeat,
 * room change, watch and unwatch, ack, refresh, recent, upstream and business messages) and the same frames broken at
 * the goim level (header fields, bit flips, truncation, duplication, garbage, huge lengths), then split into chunks.
 * {@link WsFuzzFrames} wraps them in WebSocket frames. Notes what it did, for the failure message. One per case.
 */
final class FuzzInputs {
    /** Ops a client may send, with the business ops it may use upstream. */
    private static final int[] CLIENT_OPS = {Op.HEARTBEAT, Op.SEND_MSG, Op.AUTH, Op.CHANGE_ROOM, Op.SUB, Op.UNSUB,
        Op.ACK, Op.REFRESH, Op.RECENT, 1000, 1001, 1002, 4711};
    /** Ops a client may not send, and the edges of the op space. */
    private static final int[] ODD_OPS = {0, 1, 3, 5, 6, 8, 9, 10, 11, 13, 15, 17, 18, 19, 20, 21, 24, 26, 27, 99,
        100, 500, 999, -1, -1000, Integer.MIN_VALUE, Integer.MAX_VALUE, 65538};
    private static final short[] ODD_VERS = {0, 4, -1, 0x7fff, (short) 0x8000, 256};
    private static final String[] STREAMS = {"mid:7", "mid:8", "live://fuzz-1", "live://fuzz-2", "broadcast",
        "live://bystander-not", "\u00e9t\u00e9://x"};

    final Random r;
    private final String key;
    private final int maxBody;
    private final StringBuilder notes = new StringBuilder();

    FuzzInputs(Random r, String key, int maxBody) {
        this.r = r;
        this.key = key;
        this.maxBody = maxBody;
    }

    /** What was drawn and broken, in order (for the failure message). */
    String notes() {
        return notes.toString();
    }

    void note(String what) {
        if (notes.length() > 0) {
            notes.append(", ");
        }
        notes.append(what);
    }

    boolean chance(double p) {
        return r.nextDouble() < p;
    }

    int pick(int[] values) {
        return values[r.nextInt(values.length)];
    }

    /** A valid auth frame of {@code ver}: goim's JSON token (with the case's key), for ver 3 sometimes positions. */
    byte[] auth(short ver) {
        byte[] token = token();
        if (ver == PacketLayout.VERSION_POSITIONS && r.nextBoolean()) {
            token = concat(token, new byte[] {0}, positionList(true));
        }
        return TestClient.frame(ver, Op.AUTH, 1 + r.nextInt(100), token);
    }

    private byte[] token() {
        String room = r.nextInt(3) == 0 ? "" : "live://fuzz-" + r.nextInt(4);
        return HostileComet.token(key, room).getBytes(StandardCharsets.UTF_8);
    }

    /** An auth frame whose token (or positions) is broken, or not a token at all. */
    byte[] badAuth(short ver) {
        byte[] body;
        switch (r.nextInt(6)) {
            case 0:
                body = flipBits(token(), 1 + r.nextInt(4));
                note("auth token bits flipped");
                break;
            case 1:
                body = random(1 + r.nextInt(200));
                note("auth token garbage");
                break;
            case 2:
                body = "a.b.c".getBytes(StandardCharsets.US_ASCII);
                note("auth token a.b.c");
                break;
            case 3:
                body = concat(token(), new byte[] {0}, positionList(false));
                note("auth with a malformed position list");
                break;
            case 4:
                body = "{\"mid\":99999999999999999999999,\"key\":\"\",\"room_id\":\"x\"}"
                        .getBytes(StandardCharsets.UTF_8);
                note("auth token with a mid out of range");
                break;
            default:
                body = new byte[r.nextInt(2) * maxBody];
                note("auth body of " + body.length + " zero bytes");
        }
        return TestClient.frame(ver, Op.AUTH, r.nextInt(), body);
    }

    /** A position list: valid, or broken by one of the rules docs/protocol.md lists. */
    byte[] positionList(boolean valid) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int n = valid ? 1 + r.nextInt(3) : r.nextInt(20);
        int broken = valid ? -1 : r.nextInt(6);
        b.write(broken == 0 ? 17 : n);
        java.util.Set<String> named = new java.util.HashSet<>();
        String first = null;
        for (int i = 0; i < n; i++) {
            String stream = STREAMS[r.nextInt(STREAMS.length)];
            if (first == null) {
                first = stream;
            } else if (broken == 1) {
                stream = first;
            } else if (named.contains(stream)) {
                stream = stream + i;
            }
            named.add(stream);
            byte[] name = broken == 2 ? new byte[] {(byte) 0xff, (byte) 0xfe} : broken == 3 ? new byte[0]
                    : stream.getBytes(StandardCharsets.UTF_8);
            b.write(0);
            b.write(0);
            b.write(0);
            b.write(name.length >>> 8);
            b.write(name.length);
            b.writeBytes(name);
            b.writeBytes(ByteBuffer.allocate(16).putLong(r.nextBoolean() ? 1 : r.nextLong() & Long.MAX_VALUE)
                    .putLong(broken == 4 ? -1 - r.nextInt(5) : r.nextInt(60)).array());
        }
        byte[] out = b.toByteArray();
        if (broken == 5) {
            out = r.nextBoolean() ? java.util.Arrays.copyOf(out, r.nextInt(out.length + 1)) : concat(out, random(3));
        }
        return out;
    }

    /** A valid frame of a client op after auth (some valid only for some ver: the comet says which). */
    byte[] validFrame(short ver) {
        int op = pick(CLIENT_OPS);
        int seq = r.nextInt(1000);
        byte[] body;
        switch (op) {
            case Op.HEARTBEAT:
                body = new byte[0];
                break;
            case Op.AUTH:
                return auth(ver);
            case Op.CHANGE_ROOM:
                body = (r.nextInt(4) == 0 ? "" : "live://fuzz-" + r.nextInt(4)).getBytes(StandardCharsets.UTF_8);
                break;
            case Op.SUB:
            case Op.UNSUB:
                body = (r.nextBoolean() ? "1000,1001" : r.nextBoolean() ? "1002" : "a,,1").getBytes(
                        StandardCharsets.UTF_8);
                break;
            case Op.ACK:
                body = positionList(r.nextInt(4) != 0);
                break;
            case Op.REFRESH:
                body = token();
                break;
            case Op.RECENT:
                byte[] name = STREAMS[r.nextInt(STREAMS.length)].getBytes(StandardCharsets.UTF_8);
                int count = r.nextInt(5) == 0 ? r.nextInt(70000) : 1 + r.nextInt(20);
                body = concat(new byte[] {(byte) (count >>> 8), (byte) count}, name);
                break;
            case 1001:
                body = "{\"content\":\"hi\",\"nickname\":\"fuzz\"}".getBytes(StandardCharsets.UTF_8);
                break;
            default:
                int n = r.nextInt(10) == 0 ? maxBody : r.nextInt(64);
                body = r.nextBoolean() ? random(n) : "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        }
        return TestClient.frame(ver, op, seq, body);
    }

    /** {@code frame} broken in one or more ways. */
    byte[] mutate(byte[] frame) {
        byte[] f = frame.clone();
        int rounds = 1 + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
        for (int i = 0; i < rounds; i++) {
            f = mutateOnce(f);
        }
        return f;
    }

    private byte[] mutateOnce(byte[] f) {
        switch (r.nextInt(10)) {
            case 0:
                int[] lens = {0, 4, 15, 16, f.length - 1, f.length + 1, f.length + 1 + r.nextInt(100),
                    maxBody + 16, maxBody + 17, Integer.MAX_VALUE, Integer.MIN_VALUE, -1, r.nextInt()};
                int packLen = pick(lens);
                note("packLen " + packLen);
                return putInt(f, PacketLayout.PACK_LEN_OFFSET, packLen);
            case 1:
                int[] headers = {0, 15, 17, 32, 0xffff, r.nextInt(0x10000)};
                int headerLen = pick(headers);
                note("headerLen " + headerLen);
                return putShort(f, PacketLayout.HEADER_LEN_OFFSET, headerLen);
            case 2:
                short ver = chance(0.5) ? ODD_VERS[r.nextInt(ODD_VERS.length)] : (short) r.nextInt(4);
                note("ver " + ver);
                return putShort(f, PacketLayout.VER_OFFSET, ver);
            case 3:
                int op = chance(0.8) ? pick(ODD_OPS) : r.nextInt();
                note("op " + op);
                return putInt(f, PacketLayout.OP_OFFSET, op);
            case 4:
                note("seq");
                return putInt(f, PacketLayout.SEQ_OFFSET, r.nextInt());
            case 5:
                int bits = 1 + r.nextInt(8);
                note(bits + " bits flipped");
                return flipBits(f, bits);
            case 6:
                int keep = r.nextInt(f.length + 1);
                note("truncated to " + keep);
                return java.util.Arrays.copyOf(f, keep);
            case 7:
                note("duplicated");
                return concat(f, f);
            case 8:
                byte[] garbage = random(1 + r.nextInt(40));
                int at = r.nextInt(f.length + 1);
                note(garbage.length + " garbage bytes at " + at);
                return concat(java.util.Arrays.copyOf(f, at), garbage, java.util.Arrays.copyOfRange(f, at, f.length));
            default:
                int n = r.nextBoolean() ? maxBody + 1 : r.nextInt(300);
                note("body replaced by " + n + " random bytes");
                byte[] out = concat(java.util.Arrays.copyOf(f, Math.min(f.length, PacketLayout.HEADER_LENGTH)),
                        random(n));
                return f.length >= PacketLayout.HEADER_LENGTH ? putInt(out, 0, out.length) : out;
        }
    }

    /**
     * The frames a case sends after its opening (a valid auth, or none): sometimes first a (possibly broken) auth,
     * then valid and broken frames of every kind.
     */
    List<byte[]> frames(boolean authed, short ver) {
        List<byte[]> out = new ArrayList<>();
        if (!authed && chance(0.7)) {
            out.add(chance(0.4) ? auth(ver) : chance(0.5) ? badAuth(ver) : mutate(auth(ver)));
        }
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            byte[] f = validFrame(ver);
            out.add(chance(0.5) ? f : mutate(f));
        }
        if (chance(0.1)) {
            note("garbage frame");
            out.add(random(1 + r.nextInt(64)));
        }
        if (chance(0.05)) {
            byte[] f = validFrame(ver);
            int copies = 20 + r.nextInt(300);
            note("flood of " + copies + " op " + ByteBuffer.wrap(f).getInt(PacketLayout.OP_OFFSET));
            for (int i = 0; i < copies; i++) {
                out.add(f);
            }
        }
        return out;
    }

    /** The frames back to back, sometimes broken across frame borders too (bit flips, a cut, garbage). */
    byte[] stream(List<byte[]> frames) {
        byte[] all = concat(frames.toArray(new byte[0][]));
        if (all.length > 0 && chance(0.15)) {
            switch (r.nextInt(3)) {
                case 0:
                    note("stream bits flipped");
                    return flipBits(all, 1 + r.nextInt(6));
                case 1:
                    int keep = r.nextInt(all.length);
                    note("stream cut at " + keep);
                    return java.util.Arrays.copyOf(all, keep);
                default:
                    note("stream garbage appended");
                    return concat(all, random(1 + r.nextInt(32)));
            }
        }
        return all;
    }

    /** {@code bytes} in the chunks they are written in: whole, a few cuts, small chunks or byte by byte at first. */
    List<byte[]> chunks(byte[] bytes) {
        List<byte[]> out = new ArrayList<>();
        int mode = r.nextInt(10);
        int at = 0;
        while (at < bytes.length) {
            int n;
            if (mode < 3) {
                n = bytes.length;
            } else if (mode < 6) {
                n = 1 + r.nextInt(Math.max(1, bytes.length / 2));
            } else if (mode < 9) {
                n = 1 + r.nextInt(64);
            } else {
                n = at < 40 ? 1 : bytes.length;
            }
            n = Math.min(n, bytes.length - at);
            out.add(java.util.Arrays.copyOfRange(bytes, at, at + n));
            at += n;
        }
        return out;
    }

    /** The pause before a chunk: none mostly, else a few milliseconds. */
    int pauseMillis() {
        return r.nextInt(3) == 0 ? 1 + r.nextInt(15) : 0;
    }

    byte[] random(int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    byte[] flipBits(byte[] in, int bits) {
        byte[] out = in.clone();
        for (int i = 0; i < bits && out.length > 0; i++) {
            out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
        }
        return out;
    }

    private static byte[] putInt(byte[] f, int offset, int value) {
        if (f.length >= offset + 4) {
            ByteBuffer.wrap(f).putInt(offset, value);
        }
        return f;
    }

    private static byte[] putShort(byte[] f, int offset, int value) {
        if (f.length >= offset + 2) {
            ByteBuffer.wrap(f).putShort(offset, (short) value);
        }
        return f;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
