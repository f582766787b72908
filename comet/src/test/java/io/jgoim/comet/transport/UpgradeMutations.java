package io.jgoim.comet.transport;

import io.jgoim.comet.TestClient;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One case's mutations of an upgrade request for {@link UpgradeCases}, each with the statuses docs/operations.md
 * ("Bad upgrade requests", "WebSocket Origin check", "X-Forwarded-For") and RFC 6455 4.2.1 give it: method, target
 * and its escapes, HTTP version, Host, Upgrade and Connection tokens and their case, Sec-WebSocket-Key and -Version
 * (missing, other, duplicated, a key that is not base64 of 16 bytes), Origin, Expect, a body (Content-Length,
 * chunked, too large, malformed framing), obs-fold, NUL and non-ASCII bytes, line endings, long lines and many
 * headers, X-Forwarded-For. Where the RFCs let a server either accept or refuse (a missing Host, a header folded,
 * a byte outside ASCII in a value) both are allowed. Also the bytes pipelined behind a request. One per case.
 */
final class UpgradeMutations {
    /** The X-Forwarded-For addresses a case may name (the fuzzer checks their per-address slots come back). */
    static final List<String> FORWARDED = List.of("10.1.2.3", "203.0.113.5", "2001:db8::7");
    static final String ALLOWED_ORIGIN = "https://app.example.com";

    private final SplittableRandom rnd;
    private final List<String> labels;
    private final boolean untrusted;
    /** The head can never end (no LF at all): only the handshake deadline answers it. */
    private boolean neverEnds;
    /** The kinds of mutation applied so far. */
    private final java.util.Set<Integer> kinds = new java.util.HashSet<>();

    UpgradeMutations(SplittableRandom rnd, List<String> labels, boolean untrusted) {
        this.rnd = rnd;
        this.labels = labels;
        this.untrusted = untrusted;
    }

    boolean neverEnds() {
        return neverEnds;
    }

    private <T> T pick(T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    /**
     * Applies one mutation to {@code r}, noting its label and outcome: each kind at most once per request (a second
     * would overwrite the first, whose outcome was already noted), the Expect and body kinds together (both set the
     * body), else a harmless header.
     */
    void mutate(UpgradeRequest r) {
        int kind = rnd.nextInt(15);
        if (!kinds.add(kind == 8 ? 9 : kind)) {
            kind = 14;
        }
        switch (kind) {
            case 0 -> method(r);
            case 1 -> target(r);
            case 2 -> version(r);
            case 3 -> host(r);
            case 4 -> upgradeTokens(r);
            case 5 -> key(r);
            case 6 -> versionHeader(r);
            case 7 -> origin(r);
            case 8 -> expect(r);
            case 9 -> body(r);
            case 10 -> oddBytes(r);
            case 11 -> sizes(r);
            case 12 -> forwardedFor(r);
            case 13 -> lineEnds(r);
            default -> harmless(r);
        }
    }

    private void label(String l) {
        labels.add(l);
    }

    private void method(UpgradeRequest r) {
        String m = pick(new String[] {"HEAD", "POST", "PUT", "OPTIONS", "DELETE", "FOO", "get", "CONNECT", "TRACE"});
        label("method " + m);
        r.method = m;
        r.outcome(400);
    }

    private void target(UpgradeRequest r) {
        String p = r.target;
        String t = pick(new String[] {p + "/", p.toUpperCase(), p + "?token=x", p + "?", p + "#f", "/s%75b",
            p + "%00", p + "%zz", p + "%C0%AE", "http://x" + p, "/", "*", p + ";x", "/x" + p, p + "\u00e9",
            p.substring(0, p.length() - 1)});
        label("target " + UpgradeCases.escape(t, 40));
        r.target = t;
        // compared byte for byte, never decoded: any other target is another path; an absolute http URI names the
        // resource by its path (RFC 6455 4.1)
        r.outcome(t.equals("http://x" + p) ? 101 : 404);
    }

    private void version(UpgradeRequest r) {
        String v = pick(new String[] {"HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "HTTP/3.0", "HTTP/0.9", "", "HTTP/11",
            "http/1.1", "HTTP/1.1 x", "HTTP/1.a", "ICE/1.0"});
        label("version '" + v + "'");
        r.version = v;
        if (v.equals("http/1.1")) {
            r.outcome(101, 400, 505); // the name is case-sensitive, but Netty reads it in any case
        } else if (v.startsWith("HTTP/") && v.length() == 8 && Character.isDigit(v.charAt(5))
                && Character.isDigit(v.charAt(7))) {
            r.outcome(505);
        } else {
            r.outcome(400, 505);
        }
    }

    private void host(UpgradeRequest r) {
        // RFC 9112 3.2 and RFC 6455 4.1: exactly one Host, an empty value allowed
        switch (rnd.nextInt(3)) {
            case 0 -> {
                label("no Host");
                r.replace("Host", null);
                r.outcome(400);
            }
            case 1 -> {
                label("two Hosts");
                r.headers.add("Host: other");
                r.outcome(400);
            }
            default -> {
                label("empty Host");
                r.replace("Host", "Host: ");
                r.outcome(101);
            }
        }
    }

    private void upgradeTokens(UpgradeRequest r) {
        String[][] variants = {
            {"Upgrade", "Upgrade: WebSocket", "101"}, {"Upgrade", "Upgrade: WEBSOCKET", "101"},
            {"Upgrade", "Upgrade: websocket, h2c", "101|400"}, {"Upgrade", "Upgrade: h2c, websocket", "101|400"},
            {"Upgrade", "Upgrade:websocket", "101"}, {"Upgrade", "Upgrade: h2c", "400"},
            {"Upgrade", "Upgrade: web socket", "400"}, {"Upgrade", null, "400"}, {"Upgrade", "Upgrade: ", "400"},
            {"Connection", "Connection: upgrade", "101"}, {"Connection", "Connection: keep-alive, Upgrade", "101"},
            {"Connection", "Connection: UPGRADE", "101"}, {"Connection", "Connection: close", "400"},
            {"Connection", "Connection: keep-alive", "400"}, {"Connection", null, "400"},
            {"Connection", "Connection: Upgrade2", "400"}};
        String[] v = pick(variants);
        label(v[1] == null ? "no " + v[0] : "'" + v[1] + "'");
        r.replace(v[0], v[1]);
        // a list naming websocket: RFC 6455 4.2.1 asks for an Upgrade "containing" it; the listener (as Netty's
        // handshaker) wants websocket alone, the refused-at-accept scan reads the list
        r.outcome(java.util.Arrays.stream(v[2].split("\\|")).mapToInt(Integer::parseInt).toArray());
    }

    private void key(UpgradeRequest r) {
        switch (rnd.nextInt(9)) {
            case 0 -> {
                label("no Sec-WebSocket-Key");
                r.replace("Sec-WebSocket-Key", null);
            }
            case 1 -> {
                label("empty Sec-WebSocket-Key");
                r.replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: ");
            }
            case 2 -> {
                String k = pick(new String[] {"!!!!notbase64!!!!!!!!!==", "dGhlIHNhbXBsZSBub25jZQ", "@@@", "x y z",
                    "dGhlIHNhbXBsZSBub25jZQ==="});
                label("Sec-WebSocket-Key not base64: " + k);
                r.replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: " + k);
            }
            case 3 -> {
                int n = pick(new Integer[] {0, 1, 8, 15, 17, 32, 64});
                label("Sec-WebSocket-Key of " + n + " bytes");
                r.replace("Sec-WebSocket-Key", "Sec-WebSocket-Key: " + UpgradeRequest.key(n));
            }
            case 4 -> {
                label("two Sec-WebSocket-Keys");
                r.headers.add("Sec-WebSocket-Key: " + UpgradeRequest.key(16));
            }
            case 5 -> {
                label("Sec-WebSocket-Key twice, the same");
                r.headers.add("Sec-WebSocket-Key: " + UpgradeRequest.KEY);
            }
            default -> {
                // valid variants: another 16-byte key, white space around it, the name in another case
                String line = pick(new String[] {"Sec-WebSocket-Key: " + UpgradeRequest.key(16),
                    "Sec-WebSocket-Key:   " + UpgradeRequest.KEY + "  ", "sec-websocket-key: " + UpgradeRequest.KEY,
                    "SEC-WEBSOCKET-KEY:" + UpgradeRequest.KEY});
                label("'" + line + "'");
                r.replace("Sec-WebSocket-Key", line);
                r.outcome(101);
                return;
            }
        }
        // RFC 6455 4.2.1: a key that is not base64 of 16 bytes (11.3.1: given once) fails the handshake
        r.outcome(400);
    }

    private void versionHeader(UpgradeRequest r) {
        String[][] variants = {{null, "426"}, {"8", "426"}, {"7", "426"}, {"0", "426"}, {"013", "426"},
            {"13, 13", "426"}, {"x", "426"}, {"", "426"}, {" 13 ", "101"}, {"13\t", "101"}};
        if (rnd.nextInt(4) == 0) {
            String second = pick(new String[] {"13", "8"});
            label("a second Sec-WebSocket-Version: " + second);
            r.headers.add("Sec-WebSocket-Version: " + second);
            // RFC 6455 11.3.5: given once in a request
            r.outcome(400, 426);
            return;
        }
        String[] v = pick(variants);
        label(v[0] == null ? "no Sec-WebSocket-Version" : "Sec-WebSocket-Version '" + v[0] + "'");
        r.replace("Sec-WebSocket-Version", v[0] == null ? null : "Sec-WebSocket-Version: " + v[0]);
        r.outcome(Integer.parseInt(v[1]));
    }

    private void origin(UpgradeRequest r) {
        String[][] variants = {{ALLOWED_ORIGIN, "101"}, {"HTTPS://APP.EXAMPLE.COM", "101"},
            {"https://app.example.com:443", "101"}, {"https://evil.example.org", "403"}, {"null", "403"},
            {"", "403"}, {"https://app.example.com/path", "403"}, {"http://app.example.com", "403"},
            {"https://app.example.com.evil.org", "403"}, {"https://app.example.com:8443", "403"},
            {"https://\u00e9.example.com", "403"}};
        String[] v = pick(variants);
        label("Origin '" + UpgradeCases.escape(v[0], 40) + "'");
        r.replace("Origin", "Origin: " + v[0]);
        r.outcome(Integer.parseInt(v[1]));
        if (rnd.nextInt(5) == 0) {
            label("a second Origin");
            r.headers.add("Origin: https://evil.example.org");
            r.outcome(101, 403); // the first one counts
        }
    }

    private void expect(UpgradeRequest r) {
        switch (rnd.nextInt(4)) {
            case 0 -> {
                label("Expect: 100-continue");
                r.headers.add("Expect: 100-continue");
                r.outcome(101);
            }
            case 1 -> {
                label("Expect: 100-continue with a body");
                r.headers.add("Expect: 100-continue");
                r.body("hello");
                r.outcome(101);
            }
            case 2 -> {
                label("Expect: 100-continue, a body over 8 KiB declared");
                r.headers.add("Expect: 100-continue");
                r.replace("Content-Length", "Content-Length: 100000");
                r.outcome(413);
            }
            default -> {
                String e = pick(new String[] {"foo", "200-ok", "100-continue, foo"});
                label("Expect: " + e);
                r.headers.add("Expect: " + e);
                r.outcome(417);
            }
        }
    }

    private void body(UpgradeRequest r) {
        switch (rnd.nextInt(8)) {
            case 0 -> {
                label("a GET with a body");
                r.body("x".repeat(1 + rnd.nextInt(2000)));
                r.outcome(101);
            }
            case 1 -> {
                label("a body over 8 KiB");
                r.body("x".repeat(8193 + rnd.nextInt(4000)));
                r.outcome(413);
            }
            case 2 -> {
                String cl = pick(new String[] {"abc", "-1", "1, 2", "99999999999999999999", "+5", "0x5"});
                label("Content-Length: " + cl);
                r.replace("Content-Length", "Content-Length: " + cl);
                r.outcome(400, 413);
            }
            case 3 -> {
                label("two different Content-Lengths");
                r.headers.add("Content-Length: 1");
                r.headers.add("Content-Length: 2");
                r.body = "ab";
                r.outcome(400);
            }
            case 4 -> {
                label("chunked body");
                r.headers.add("Transfer-Encoding: chunked");
                r.body = "5\r\nhello\r\n0\r\n\r\n";
                r.outcome(101);
            }
            case 5 -> {
                label("chunked and a Content-Length");
                r.headers.add("Transfer-Encoding: chunked");
                r.headers.add("Content-Length: 3");
                r.body = "5\r\nhello\r\n0\r\n\r\n";
                r.outcome(101, 400);
            }
            case 6 -> {
                String te = pick(new String[] {"gzip", "chunked, gzip", "xchunked", "identity"});
                label("Transfer-Encoding: " + te);
                r.headers.add("Transfer-Encoding: " + te);
                r.outcome(400);
            }
            default -> {
                String size = pick(new String[] {"zz", "-1", "ffffffffffffffffffff", "FFFFFFFF"});
                label("chunk size " + size);
                r.headers.add("Transfer-Encoding: chunked");
                r.body = size + "\r\nhello\r\n0\r\n\r\n";
                r.outcome(400, 413);
            }
        }
    }

    private void oddBytes(UpgradeRequest r) {
        switch (rnd.nextInt(7)) {
            case 0 -> {
                label("obs-fold");
                r.headers.add("X-Fold: a\r\n" + (rnd.nextBoolean() ? " " : "\t") + "b");
                r.outcome(101, 400); // RFC 7230 3.2.4: refuse, or replace the fold by a space
            }
            case 1 -> {
                String v = pick(new String[] {"\u0000", "a\u0000b", "\u0001", "\u007f", "a\rb"});
                label("header value with " + UpgradeCases.escape(v, 10));
                r.headers.add("X-Odd: " + v);
                r.outcome(101, 400);
            }
            case 2 -> {
                String v = pick(new String[] {"\u00e9t\u00e9", "\u00c3\u00a9", "\u00ff\u00fe"});
                label("header value with non-ASCII " + UpgradeCases.escape(v, 10));
                r.headers.add("X-Odd: " + v);
                r.outcome(101, 400); // obs-text is allowed in a value
            }
            case 3 -> {
                String n = pick(new String[] {"X\u0000A", "X\u00e9", "X Y", "", "X(A)", "X:A"});
                label("header name '" + UpgradeCases.escape(n, 10) + "'");
                r.headers.add(n + ": v");
                // "X:A: v" is a header named X
                r.outcome(n.equals("X:A") ? new int[] {101} : new int[] {400});
            }
            case 4 -> {
                String lead = pick(new String[] {"\r\n", "\r\n\r\n", "\n"});
                label("leading " + UpgradeCases.escape(lead, 10));
                r.method = lead + r.method;
                r.outcome(101, 400); // RFC 7230 3.5: ignore at least one empty line before the request line
            }
            case 5 -> {
                String lead = pick(new String[] {"\u0000", " ", "\t", "\u0016\u0003\u0001"});
                label("leading " + UpgradeCases.escape(lead, 10));
                r.method = lead + r.method;
                r.outcome(101, 400); // Netty skips control characters and white space before a request line
            }
            default -> {
                label("a line with no colon");
                r.headers.add("NoColon");
                r.outcome(400);
            }
        }
    }

    private void sizes(UpgradeRequest r) {
        switch (rnd.nextInt(5)) {
            case 0 -> {
                label("a header over 8 KiB");
                r.headers.add("X-Big: " + "a".repeat(8200 + rnd.nextInt(2000)));
                r.outcome(400);
            }
            case 1 -> {
                label("a head over 8 KiB in small headers");
                for (int i = 0; i < 1200; i++) {
                    r.headers.add("X-" + i + ": v");
                }
                r.outcome(400);
            }
            case 2 -> {
                label("a request line over 4 KiB");
                r.target = r.target + "?" + "a".repeat(4100 + rnd.nextInt(2000));
                r.outcome(400);
            }
            case 3 -> {
                label("a 6 KiB header");
                r.headers.add("X-Big: " + "a".repeat(6000));
                r.outcome(101);
            }
            default -> {
                int n = 50 + rnd.nextInt(150);
                label(n + " small headers");
                for (int i = 0; i < n; i++) {
                    r.headers.add("X-" + i + ": v");
                }
                r.outcome(101);
            }
        }
    }

    private void forwardedFor(UpgradeRequest r) {
        String a = pick(FORWARDED.toArray(new String[0]));
        String[][] variants = {{a, "101"}, {"198.51.100.1, " + a, "101"}, {a + ", 127.0.0.1", "101"},
            {"127.0.0.1", "101"}, {"unknown", "400"}, {"", "400"}, {"10.1.2.3:80", "400"},
            {"[2001:db8::7]:80", "400"}, {"1.2.3", "400"}, {a + ",", "400"}, {"999.1.1.1", "400"}};
        String[] v = pick(variants);
        label("X-Forwarded-For '" + v[0] + "'");
        r.headers.add("X-Forwarded-For: " + v[0]);
        // from a peer not trusted the header is ignored
        r.outcome(untrusted ? 101 : Integer.parseInt(v[1]));
        if (rnd.nextInt(5) == 0) {
            label("a second X-Forwarded-For");
            r.headers.add("X-Forwarded-For: unknown");
            r.outcome(untrusted ? new int[] {101} : new int[] {101, 400}); // the first one counts
        }
    }

    private void lineEnds(UpgradeRequest r) {
        switch (rnd.nextInt(3)) {
            case 0 -> {
                label("bare LF line ends");
                r.eol = "\n";
                r.outcome(101, 400); // RFC 9112 2.2: a recipient MAY read a bare LF; Netty 4.2 refuses it
            }
            case 1 -> {
                if (r.headers.size() < 2) {
                    label("bare LF line ends");
                    r.eol = "\n";
                    r.outcome(101, 400);
                    return;
                }
                label("mixed line ends");
                int i = rnd.nextInt(r.headers.size() - 1);
                r.headers.set(i, r.headers.get(i) + "\n" + r.headers.remove(i + 1));
                r.outcome(101, 400);
            }
            default -> {
                // no LF anywhere: the head never ends, and the handshake deadline answers it
                label("bare CR line ends");
                r.eol = "\r";
                neverEnds = true;
                r.outcome(408, 400);
            }
        }
    }

    private void harmless(UpgradeRequest r) {
        String line = pick(new String[] {"User-Agent: jgoim-fuzz", "Sec-WebSocket-Protocol: chat",
            "Sec-WebSocket-Extensions: permessage-deflate", "Cookie: a=b", "Pragma: no-cache",
            "X-Empty:", "X-Spaced:    v    "});
        label("'" + line + "'");
        r.headers.add(rnd.nextInt(r.headers.size() + 1), line);
        r.outcome(101);
    }

    /** Bytes behind the request: a valid auth frame (then maybe more), junk, a second request or a close frame. */
    byte[] pipelined(boolean auth, int index) {
        byte[] authFrame = frame(0x82, TestClient.frame(PacketLayout.VERSION, Op.AUTH, 1,
                HostileComet.token(UpgradeCases.key(index), "live://upgrade-fuzz").getBytes(StandardCharsets.UTF_8)));
        if (auth) {
            label("a valid auth pipelined");
            return rnd.nextBoolean() ? authFrame : UpgradeCases.concat(authFrame,
                    frame(0x82, TestClient.frame(PacketLayout.VERSION, Op.HEARTBEAT, 2, new byte[0])));
        }
        switch (rnd.nextInt(3)) {
            case 0 -> {
                label("a second request pipelined");
                return "GET /sub HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            }
            case 1 -> {
                label("a close frame pipelined");
                return frame(0x88, new byte[] {0x03, (byte) 0xe8});
            }
            default -> {
                byte[] junk = new byte[1 + rnd.nextInt(40)];
                rnd.nextBytes(junk);
                label(junk.length + " junk bytes pipelined");
                return junk;
            }
        }
    }

    /** A masked frame of {@code firstByte} (FIN, opcode) with {@code payload}. */
    private static byte[] frame(int firstByte, byte[] payload) {
        return RawWebSocket.frame(firstByte, true, payload);
    }
}
