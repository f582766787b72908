package io.jgoim.logic.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The cases of {@link HttpFuzzIT}: valid requests of the push API's routes, some mutated ({@link HttpMutations}),
 * some pipelined with garbage between or flooding past the pipelining bound, framed wrongly (line endings, folding,
 * chunking, a long request line), written split, cut short, or followed by a half-close. A case is a function of
 * (seed, index) only, so the pair replays it. Text is held as ISO-8859-1 (one char per byte), so any byte can be
 * written. Stateless apart from the limits it was built with.
 */
final class HttpCases {
    /**
     * Well-formed requests of the push, read and admin routes (not the log-level one: it would change this JVM's
     * logging): method, path, query parameters. Those from {@link #ALWAYS_OK} on are answered code 0 on the fuzzer's
     * listener (no comet, no history), the ones before it with their own documented refusal.
     */
    private static final String[][] VALID = {
        {"GET", "/goim/push/acks", "mid=1", "epoch=1", "offset=0"},
        {"POST", "/goim/admin/comet/weight", "server=c1", "weight=5"},
        {"POST", "/goim/admin/comet/drain", "server=c1", "seconds=5"},
        {"POST", "/goim/admin/kick", "mid=1"},
        {"POST", "/goim/push/keys", "operation=1000", "keys=k1,k2"},
        {"POST", "/goim/push/mids", "operation=1000", "mids=1,2"},
        {"POST", "/goim/push/room", "operation=1000", "type=live", "room=1"},
        {"POST", "/goim/push/all", "operation=1000", "speed=5"},
        {"GET", "/goim/online/top", "type=live", "limit=5"},
        {"GET", "/goim/online/room", "type=live", "rooms=1,2"},
        {"GET", "/goim/online/total"},
        {"GET", "/goim/nodes/weighted", "platform=web"},
        {"GET", "/goim/nodes/instances"},
        {"POST", "/goim/admin/revoke", "jti=j1", "until=4102444800"},
        {"GET", "/goim/admin/revoked"},
        {"GET", "/goim/admin/sessions", "mid=1"},
        {"GET", "/goim/admin/presence", "type=live", "room=1", "limit=10"},
    };
    private static final int ALWAYS_OK = 4;
    private static final String[] TRANSFER_ENCODINGS = {"chunked", "chunked", "chunked", "Chunked", "gzip, chunked",
        "chunked, gzip", "identity", "xchunked", " chunked", "chunked\u0000", "chunked\r\nTransfer-Encoding: chunked",
        "chunked, chunked"};
    private static final String[] CHUNK_SIZES = {"zz", "-1", "ffffffffffffffffffff", "0x5", "", "1_0", "+5",
        "FFFFFFFF", "7fffffff", "80000000"};
    /** Whole cases that are no request of the API: the HTTP/2 preface, a TLS hello, blank lines, HTTP/0.9, zeros. */
    private static final String[] SPECIALS = {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "\u0016\u0003\u0001\u0000\u00a5\u0001", "\r\n\r\n\r\n", "GET\r\n\r\n", "GET /goim/online/total\r\n\r\n",
        " / HTTP/1.1\r\n\r\n", "\u0000".repeat(64)};

    /**
     * One case: the bytes to write (one element per write), whether to close without reading (a partial request
     * then close) or to shut the output after the last write, whether a HEAD request is among them (its reply has
     * no body), and, when nothing was mutated, the replies due in order ({@code 0}: code 0, {@code ?}: a refusal
     * of its own); null when mutations leave the outcome open (the reply checks still apply).
     */
    record Case(String label, List<byte[]> writes, boolean abandon, boolean halfClose, boolean head, String expect) {
    }

    private final int maxBody;
    private final HttpMutations mutations;

    HttpCases(int maxBodyBytes) {
        this.maxBody = maxBodyBytes;
        this.mutations = new HttpMutations(maxBodyBytes);
    }

    /** Case {@code index} of the run seeded {@code seed}: the same pair always gives the same bytes. */
    Case build(long seed, int index) {
        // Each case its own stream, a hash of (seed, index): seed + index would make seed 2 replay seed 1 shifted.
        SplittableRandom rnd = new SplittableRandom(mix(mix(seed) + index));
        List<String> labels = new ArrayList<>();
        StringBuilder wire = new StringBuilder();
        boolean valid = rnd.nextInt(10) == 0;
        int requests = rnd.nextInt(7) == 0 ? 2 + rnd.nextInt(3) : 1;
        // a flood: past http.maxPipelinedRequests, so reads pause and resume while replies are due
        boolean flood = rnd.nextInt(40) == 0;
        if (flood) {
            requests = 20 + rnd.nextInt(200);
            labels.add("flood of " + requests);
        }
        boolean head = false;
        StringBuilder expect = new StringBuilder();
        if (!valid && rnd.nextInt(30) == 0) {
            labels.add("special");
            wire.append(SPECIALS[rnd.nextInt(SPECIALS.length)]);
            requests = 0;
        }
        for (int i = 0; i < requests; i++) {
            RawRequest r = base(rnd);
            boolean mutate = !valid && (i == 0 || rnd.nextInt(flood ? 50 : 2) == 0);
            if (mutate) {
                for (int m = 1 + rnd.nextInt(3); m > 0; m--) {
                    labels.add(mutations.mutate(r, rnd));
                }
            }
            head |= r.method.equals("HEAD");
            expect.append(r.succeeds ? '0' : '?');
            wire.append(mutate && rnd.nextInt(4) == 0 ? reframe(r, rnd, labels) : r.serialize("\r\n"));
            if (i + 1 < requests && !valid && rnd.nextInt(flood ? 100 : 3) == 0) {
                labels.add("garbage between");
                wire.append(garbage(rnd));
            }
        }
        if (valid) {
            labels.add("valid x" + requests);
        }
        byte[] bytes = wire.toString().getBytes(StandardCharsets.ISO_8859_1);
        boolean abandon = !valid && rnd.nextInt(12) == 0;
        if (abandon) {
            labels.add("partial then close");
            bytes = Arrays.copyOf(bytes, rnd.nextInt(Math.max(1, bytes.length)));
        }
        boolean halfClose = !abandon && rnd.nextInt(15) == 0;
        if (halfClose) {
            labels.add("half close");
        }
        List<byte[]> writes = rnd.nextInt(3) == 0 ? split(bytes, rnd, labels) : List.of(bytes);
        return new Case(String.join(", ", labels), writes, abandon, halfClose, head,
                valid ? expect.toString() : null);
    }

    /** Stafford's mix13 (SplittableRandom's own finaliser). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private RawRequest base(SplittableRandom rnd) {
        int which = rnd.nextInt(VALID.length);
        String[] v = VALID[which];
        RawRequest r = new RawRequest(v[0], v[1]);
        r.succeeds = which >= ALWAYS_OK;
        for (int i = 2; i < v.length; i++) {
            int eq = v[i].indexOf('=');
            r.params.add(new String[] {v[i].substring(0, eq), v[i].substring(eq + 1)});
        }
        r.headers.add("Host: x");
        if (rnd.nextBoolean()) {
            r.headers.add("User-Agent: jgoim-fuzz");
        }
        if (r.method.equals("POST")) {
            r.setBody("m" + HttpMutations.printable(rnd, rnd.nextInt(64)));
        }
        return r;
    }

    /** The request serialised with its framing broken: line endings, folding, chunking, a long request line. */
    private String reframe(RawRequest r, SplittableRandom rnd, List<String> labels) {
        switch (rnd.nextInt(6)) {
            case 0 -> {
                String eol = HttpMutations.pick(rnd, new String[] {"\n", "\r", "\r\r\n", "\n\r"});
                labels.add("line endings " + escape(eol));
                return r.serialize(eol);
            }
            case 1 -> {
                labels.add("mixed line endings");
                return r.serialize("\r\n").replace("Host: x\r\n", "Host: x\n");
            }
            case 2 -> {
                labels.add("obs-fold");
                if (r.headers.isEmpty()) {
                    r.headers.add("X-F: v");
                }
                int i = rnd.nextInt(r.headers.size());
                r.headers.set(i, r.headers.get(i) + "\r\n" + (rnd.nextBoolean() ? " " : "\t") + "folded");
                return r.serialize("\r\n");
            }
            case 3 -> {
                labels.add("chunked");
                return chunked(r, rnd);
            }
            case 4 -> {
                labels.add("leading bytes");
                return HttpMutations.pick(rnd, new String[] {"\r\n", "\r\n\r\n", " ", "\u0000", "\n", "\t"})
                        + r.serialize("\r\n");
            }
            default -> {
                labels.add("long request line");
                r.params.add(new String[] {"pad", "p".repeat(4000 + rnd.nextInt(5000))});
                return r.serialize("\r\n");
            }
        }
    }

    /** The body as chunks, sometimes with a broken size, extension, terminator or trailer; CL kept sometimes. */
    private String chunked(RawRequest r, SplittableRandom rnd) {
        String body = r.body == null ? "" : r.body;
        if (rnd.nextInt(3) > 0) {
            r.removeHeader("Content-Length");
        }
        r.headers.add("Transfer-Encoding: " + HttpMutations.pick(rnd, TRANSFER_ENCODINGS));
        int broken = rnd.nextInt(10);
        StringBuilder b = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int n = Math.min(body.length() - at, 1 + rnd.nextInt(Math.max(1, body.length())));
            String size = Integer.toHexString(n);
            if (broken == 0) {
                size = HttpMutations.pick(rnd, CHUNK_SIZES);
            } else if (broken == 1) {
                size = Integer.toHexString(Math.max(0, n + rnd.nextInt(21) - 10));
            } else if (broken == 2) {
                size += HttpMutations.pick(rnd, new String[] {";a=b", ";", ";\"x", " ", ";a=\u0001"});
            } else if (broken == 3) {
                size = Integer.toHexString(2 * maxBody + rnd.nextInt(maxBody));
            }
            b.append(size).append("\r\n").append(body, at, at + n).append(broken == 4 ? "" : "\r\n");
            at += n;
        }
        switch (broken) {
            case 5 -> { } // no last chunk
            case 6 -> b.append("0\r\n");
            case 7 -> b.append("0\r\nX-T: 1\r\n\r\n");
            case 8 -> b.append("0\r\nbad trailer\r\n\r\n");
            default -> b.append("0\r\n\r\n");
        }
        String head = r.serialize("\r\n");
        int end = head.indexOf("\r\n\r\n") + 4;
        return head.substring(0, end) + b;
    }

    private static List<byte[]> split(byte[] bytes, SplittableRandom rnd, List<String> labels) {
        labels.add("split writes");
        List<byte[]> writes = new ArrayList<>();
        int at = 0;
        for (int parts = 1 + rnd.nextInt(6); parts > 1 && at < bytes.length; parts--) {
            int n = 1 + rnd.nextInt(Math.max(1, (bytes.length - at) / 2));
            writes.add(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + n)));
            at += n;
        }
        if (at < bytes.length) {
            writes.add(Arrays.copyOfRange(bytes, at, bytes.length));
        }
        return writes;
    }

    private static String garbage(SplittableRandom rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> "\r\n";
            case 1 -> "GARBAGE\r\n";
            case 2 -> HttpMutations.printable(rnd, 1 + rnd.nextInt(40));
            default -> {
                byte[] b = new byte[1 + rnd.nextInt(40)];
                rnd.nextBytes(b);
                yield new String(b, StandardCharsets.ISO_8859_1);
            }
        };
    }

    /** Bytes for a failure message: printable ASCII as is, the rest escaped; cut after about 600 chars. */
    static String escape(String s) {
        return escape(s, 600);
    }

    /** Bytes for a message, escaped, cut after about {@code max} chars. */
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
