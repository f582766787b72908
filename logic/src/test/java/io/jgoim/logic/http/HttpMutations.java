package io.jgoim.logic.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.SplittableRandom;

/**
 * One request's mutations for {@link HttpCases}: method, target (escapes valid and not, raw bytes, repeated, empty,
 * missing and huge parameters, numbers that are not or overflow), version, Host and other headers (duplicated,
 * malformed, long, many), Content-Length (negative, not a number, two values, more or less than the body) and body
 * (binary, empty, over the limit). Each returns its label. Stateless.
 */
final class HttpMutations {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE",
        "CONNECT", "get", "post", "PRI", "M-SEARCH", "P@ST", "POST\u0000", "", "X".repeat(300), "\u00c3\u00a9T",
        "GET GET", "\tGET"};
    private static final String[] ESCAPES = {"%41", "%zz", "%", "%4", "%g1", "%ff", "%c3%28", "%e2%82", "%c0%af",
        "%e0%80%af", "%f0%80%80%af", "%ed%a0%80", "%f4%90%80%80", "%00", "%0d%0a", "%25", "%2525", "%26", "%3d",
        "%2c", "%20", "+", "%u0041", "%C3%A9", "%F0%9F%98%80", "%%"};
    private static final String[] NUMBERS = {"", " ", "abc", "1e3", "0x10", "+5", "-1", "-0", "00001000", "1000.0",
        "2147483647", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "99999999999999999999999999", utf8("\u0661\u0662"), "1,2",
        "1000 ", "%201000", "NaN", "Infinity", "0", "1000,", ",1000"};
    private static final String[] RAW = {utf8("\u00e9"), utf8("\u65e5\u672c"), utf8("\ud83d\ude00"), "\u00ff",
        "\u00c3\u0028", "\u00c0\u00af", "\u0001", "\u007f", "\t", "\u0000", "\"", "<x>", "{}", "\\"};
    private static final String[] PATHS = {"/goim/push/keys/", "//goim/push/keys", "/goim//push/keys",
        "/GOIM/PUSH/KEYS", "/goim/push/../push/keys", "/goim/push/./keys", "/goim/push/keys;x=1",
        "/goim/push/keys#frag", "*", "", "goim/push/keys", "http://x/goim/push/keys", "http://x:99999/goim/push/all",
        "/", "/goim/push/keys%2f", "/goim%2fpush%2fkeys", "/goim/push", "/goim/push/keys?", "/goim/push/keys??",
        "/goim/online/total/.."};
    private static final String[] VERSIONS = {"HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/1.10", "HTTP/01.1",
        "HTTP/1", "HTTP/", "HTTP", "http/1.1", "Http/1.1", "HTTP/1.1 x", "", "HTTP/1.1\u0000", "HTTP/9.9", "HTTP/1.a",
        "ICE/1.0", "HTTP/1.1 ", "HTTP /1.1", "HTTP/1.1\t"};
    private static final String[] HOSTS = {"Host: ", "Host: a b", "Host: " + utf8("\u00e9"), "Host : x", "Host:x",
        "HOST: x", "Host: x:99999", "Host: [::1", "Host:\tx", "Host: x\u0000", "Host: x\r\nHost: y",
        "Host: x\r\nHost: x"};
    private static final String[] BAD_HEADERS = {"X Y: z", ": empty", "NoColon", "X-A: \u0000", "X-A: \u0001b",
        "X-A: " + utf8("\u00e9\u65e5"), "X-A\u00e9: v", "X-(A): v", "X-A:   spaced   ", "X-A:", "\tX-A: v",
        "X-A: v\u007f", " X-A: v", "X-A : v", "X-A:: v", "X-A: v\r"};
    private static final String[] EXTRA_HEADERS = {"Connection: close", "Connection: keep-alive",
        "Connection: Upgrade\r\nUpgrade: websocket", "Connection: close, keep-alive", "Connection: \u00ff",
        "Expect: 100-continue", "Expect: 100-Continue", "Expect: 200-ok", "Expect: ", "X-Jgoim-Tenant: nope",
        "X-Jgoim-Tenant: ", "X-Jgoim-Tenant: " + "t".repeat(300), "Authorization: Bearer", "X-Api-Key: x",
        "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
        "Content-Type: application/json", "Accept-Encoding: gzip", "Keep-Alive: timeout=1", "Trailer: X-T",
        "TE: trailers", "Range: bytes=0-1", "Cookie: " + "a=b; ".repeat(100), "Content-Encoding: gzip"};

    private final int maxBody;

    HttpMutations(int maxBodyBytes) {
        this.maxBody = maxBodyBytes;
    }

    /** Applies one mutation to {@code r}; returns its label. */
    String mutate(RawRequest r, SplittableRandom rnd) {
        r.succeeds = false;
        switch (rnd.nextInt(15)) {
            case 0 -> {
                r.method = pick(rnd, METHODS);
                return "method " + HttpCases.escape(r.method);
            }
            case 1 -> {
                String e = pick(rnd, ESCAPES);
                if (r.params.isEmpty() || rnd.nextInt(4) == 0) {
                    r.path = insert(r.path, e, rnd);
                } else {
                    String[] p = r.params.get(rnd.nextInt(r.params.size()));
                    int k = p[1] == null || rnd.nextInt(4) == 0 ? 0 : 1;
                    p[k] = insert(p[k], e, rnd);
                }
                return "escape " + e;
            }
            case 2 -> {
                switch (rnd.nextInt(5)) {
                    case 0 -> r.params.add(new String[] {"", ""});
                    case 1 -> r.params.add(new String[] {"", "x"});
                    case 2 -> r.params.add(new String[] {rnd.nextBoolean() ? "keys" : "operation", null});
                    case 3 -> r.params.add(rnd.nextInt(r.params.size() + 1), new String[] {"x", ""});
                    default -> {
                        if (!r.params.isEmpty()) {
                            r.params.get(rnd.nextInt(r.params.size()))[1] = "";
                        }
                    }
                }
                return "empty parameter";
            }
            case 3 -> {
                if (!r.params.isEmpty()) {
                    String[] p = r.params.get(rnd.nextInt(r.params.size()));
                    r.params.add(new String[] {p[0], rnd.nextBoolean() ? p[1] : pick(rnd, NUMBERS)});
                    return "repeated " + p[0];
                }
                return "repeat (no parameter)";
            }
            case 4 -> {
                if (!r.params.isEmpty()) {
                    return "dropped " + r.params.remove(rnd.nextInt(r.params.size()))[0];
                }
                return "drop (no parameter)";
            }
            case 5 -> {
                int n = rnd.nextInt(3) == 0 ? 5000 + rnd.nextInt(5000) : 100 + rnd.nextInt(3000);
                String value = rnd.nextBoolean() ? "a".repeat(n) : String.join(",", Collections.nCopies(n / 2, "1"));
                if (r.params.isEmpty()) {
                    r.params.add(new String[] {"pad", value});
                } else {
                    r.params.get(rnd.nextInt(r.params.size()))[1] = value;
                }
                return "huge value " + n;
            }
            case 6 -> {
                String n = pick(rnd, NUMBERS);
                String name = rnd.nextBoolean() ? "operation" : pick(rnd, new String[] {"speed", "limit", "mids",
                    "mid", "epoch", "offset", "until", "weight", "seconds"});
                r.params.removeIf(p -> p[0].equals(name));
                r.params.add(rnd.nextInt(r.params.size() + 1), new String[] {name, n});
                return "number " + name + "=" + n;
            }
            case 7 -> {
                String raw = pick(rnd, RAW);
                if (r.params.isEmpty() || rnd.nextInt(4) == 0) {
                    r.path = insert(r.path, raw, rnd);
                } else {
                    String[] p = r.params.get(rnd.nextInt(r.params.size()));
                    p[1] = insert(p[1], raw, rnd);
                }
                return "raw bytes in target";
            }
            case 8 -> {
                r.path = pick(rnd, PATHS);
                return "path " + HttpCases.escape(r.path);
            }
            case 9 -> {
                r.version = pick(rnd, VERSIONS);
                return "version " + HttpCases.escape(r.version);
            }
            case 10 -> {
                r.removeHeader("Host");
                if (rnd.nextInt(3) > 0) {
                    r.headers.add(rnd.nextInt(r.headers.size() + 1), pick(rnd, HOSTS));
                }
                return "host";
            }
            case 11 -> {
                switch (rnd.nextInt(4)) {
                    case 0 -> r.headers.add(r.headers.isEmpty() ? "Host: y"
                            : r.headers.get(rnd.nextInt(r.headers.size())));
                    case 1 -> r.headers.add("X-Long: " + "v".repeat(rnd.nextBoolean() ? 9000 + rnd.nextInt(9000)
                            : 100 + rnd.nextInt(4000)));
                    case 2 -> {
                        for (int i = 0, n = 50 + rnd.nextInt(300); i < n; i++) {
                            r.headers.add("X-N" + i + ": v");
                        }
                    }
                    default -> r.headers.add(rnd.nextInt(r.headers.size() + 1), pick(rnd, BAD_HEADERS));
                }
                return "headers";
            }
            case 12 -> {
                return contentLength(r, rnd);
            }
            case 13 -> {
                return body(r, rnd);
            }
            default -> {
                String h = pick(rnd, EXTRA_HEADERS);
                r.headers.add(h);
                return "header " + HttpCases.escape(h.length() > 40 ? h.substring(0, 40) : h);
            }
        }
    }

    private String contentLength(RawRequest r, SplittableRandom rnd) {
        int n = r.body == null ? 0 : r.body.length();
        String[] values = {"-1", "abc", "", " ", "+" + n, "0x" + Integer.toHexString(n), n + ".0",
            "99999999999999999999", "2147483648", "4294967296", String.valueOf(n + 1 + rnd.nextInt(200)),
            String.valueOf(Math.max(0, n - 1 - rnd.nextInt(Math.max(1, n)))), "0", n + ", " + n, n + ", " + (n + 1),
            " " + n + " ", n + "\u0000", String.valueOf(maxBody + 1 + rnd.nextInt(maxBody)),
            n + "\r\nContent-Length: " + n, n + "\r\nContent-Length: " + (n + 1)};
        r.removeHeader("Content-Length");
        String value = pick(rnd, values);
        r.headers.add(rnd.nextInt(r.headers.size() + 1), "Content-Length: " + value);
        if (r.body == null && rnd.nextBoolean()) {
            r.body = printable(rnd, rnd.nextInt(20));
        }
        return "content-length " + HttpCases.escape(value) + " for " + (r.body == null ? 0 : r.body.length());
    }

    private String body(RawRequest r, SplittableRandom rnd) {
        int kind = rnd.nextInt(5);
        switch (kind) {
            case 0 -> {
                byte[] b = new byte[1 + rnd.nextInt(300)];
                rnd.nextBytes(b);
                r.setBody(new String(b, StandardCharsets.ISO_8859_1));
            }
            case 1 -> r.setBody("");
            case 2 -> r.setBody("x".repeat(maxBody + 1 + rnd.nextInt(2 * maxBody)));
            case 3 -> r.setBody("x".repeat(maxBody));
            default -> {
                r.removeHeader("Content-Length");
                r.body = null;
            }
        }
        return new String[] {"binary body", "empty body", "oversized body", "body of max size", "no body"}[kind];
    }

    static String printable(SplittableRandom rnd, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('!' + rnd.nextInt(94)));
        }
        return b.toString();
    }

    private static String insert(String s, String what, SplittableRandom rnd) {
        if (s == null) {
            return what;
        }
        int at = rnd.nextInt(s.length() + 1);
        return s.substring(0, at) + what + s.substring(at);
    }

    static String pick(SplittableRandom rnd, String[] from) {
        return from[rnd.nextInt(from.length)];
    }

    /** {@code s}'s UTF-8 bytes as ISO-8859-1 chars, so they go on the wire as raw UTF-8. */
    static String utf8(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

}
