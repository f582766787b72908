package io.jgoim.comet.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The cases of {@link UpgradeFuzzIT}: a valid WebSocket upgrade request, mutated ({@link UpgradeMutations}) or not,
 * sometimes with bytes pipelined behind it (a valid auth frame, junk, a second request, a close frame), written in
 * split chunks, cut short, half-closed, or left to stall past the handshake deadline; sometimes sent from an address
 * that is not a trusted proxy, whose X-Forwarded-For the comet must ignore. A case is a function of (seed, index)
 * only, so the pair replays it. Stateless.
 */
final class UpgradeCases {
    /** The untrusted peer's address (the comet trusts only 127.0.0.1 for X-Forwarded-For). */
    static final String UNTRUSTED_PEER = "127.0.0.2";

    /**
     * One case.
     *
     * @param writes     the bytes, one element per write
     * @param pipelined  the bytes behind the request (WebSocket frames once upgraded), empty if none
     * @param allowed    the final statuses the comet may answer
     * @param mustUpgrade only 101 is right
     * @param complete   the whole request was written: it must be answered
     * @param untrusted  sent from {@link #UNTRUSTED_PEER}
     * @param stall      waits past the handshake deadline
     * @param auth       {@code pipelined} starts with a valid auth frame
     * @param head       a HEAD request: its answer has no body, whatever its Content-Length
     */
    record Case(int index, String label, List<byte[]> writes, byte[] pipelined, Set<Integer> allowed,
                boolean mustUpgrade, boolean complete, boolean untrusted, boolean halfClose, boolean stall,
                boolean auth, boolean head, String key) {
        String sent() {
            StringBuilder b = new StringBuilder();
            writes.forEach(w -> b.append(new String(w, StandardCharsets.ISO_8859_1)));
            return b.toString();
        }
    }

    private final String path;
    private final String host;

    UpgradeCases(String path, String host) {
        this.path = path;
        this.host = host;
    }

    /** Case {@code index} of the run seeded {@code seed}: the same pair always gives the same bytes. */
    Case build(long seed, int index) {
        SplittableRandom rnd = new SplittableRandom(mix(mix(seed) + index));
        List<String> labels = new ArrayList<>();
        UpgradeRequest r = new UpgradeRequest(path, host);
        boolean untrusted = rnd.nextInt(5) == 0;
        if (untrusted) {
            labels.add("from an untrusted peer");
        }
        UpgradeMutations m = new UpgradeMutations(rnd, labels, untrusted);
        if (rnd.nextInt(8) != 0) {
            for (int n = rnd.nextInt(4) == 0 ? 2 + rnd.nextInt(2) : 1; n > 0; n--) {
                m.mutate(r);
            }
        } else {
            labels.add("valid");
        }
        r.outcome(101); // an unmutated request must be upgraded; a mutated one keeps what its mutations allow
        String request = r.serialize();
        boolean complete = !m.neverEnds();
        boolean stall = m.neverEnds() || rnd.nextInt(25) == 0;
        boolean halfClose = !stall && rnd.nextInt(12) == 0;
        if (!stall && !halfClose && rnd.nextInt(12) == 0) {
            int keep = rnd.nextInt(request.length());
            labels.add("cut at " + keep + " of " + request.length());
            request = request.substring(0, keep);
            complete = false;
        }
        if (stall) {
            labels.add("stalls past the handshake deadline");
        }
        if (halfClose) {
            labels.add("half-closed");
        }
        byte[] pipelined = new byte[0];
        boolean auth = false;
        if (complete && rnd.nextInt(4) == 0) {
            auth = rnd.nextBoolean();
            pipelined = m.pipelined(auth, index);
        }
        byte[] bytes = concat(request.getBytes(StandardCharsets.ISO_8859_1), pipelined);
        List<byte[]> writes = rnd.nextInt(3) == 0 ? split(bytes, rnd, labels) : List.of(bytes);
        return new Case(index, String.join(", ", labels), writes, pipelined, r.allowed(), r.mustUpgrade(), complete,
                untrusted, halfClose, stall, auth, r.method.replaceAll("^[\\p{Cntrl}\\s]+", "").equals("HEAD"),
                r.header("Sec-WebSocket-Key"));
    }

    /** The session key of case {@code index}'s pipelined auth. */
    static String key(int index) {
        return "upgrade-fuzz-" + index;
    }

    private static List<byte[]> split(byte[] bytes, SplittableRandom rnd, List<String> labels) {
        labels.add("split writes");
        List<byte[]> writes = new ArrayList<>();
        int at = 0;
        boolean byteByByte = rnd.nextInt(6) == 0;
        for (int parts = byteByByte ? 40 : 1 + rnd.nextInt(6); parts > 1 && at < bytes.length; parts--) {
            int n = byteByByte ? 1 : 1 + rnd.nextInt(Math.max(1, (bytes.length - at) / 2));
            writes.add(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + n)));
            at += n;
        }
        if (at < bytes.length) {
            writes.add(Arrays.copyOfRange(bytes, at, bytes.length));
        }
        return writes;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Stafford's mix13 (SplittableRandom's own finaliser). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Bytes for a failure message: printable ASCII as is, the rest escaped; cut after {@code max} chars. */
    static String escape(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
            }
        }
        return b.length() >= max ? b + "...(" + s.length() + " bytes)" : b.toString();
    }
}
