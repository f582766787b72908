package io.jgoim.comet.transport;

import io.jgoim.comet.config.OriginAllowList;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A bounded scan of the raw bytes of a refused WebSocket client's upgrade request ({@link RefusedUpgrade} at accept),
 * in place of an HTTP codec and aggregator on every refused connection: it finds the end of the request's head and
 * reads from it only what the refusal's 101 needs, the {@code Sec-WebSocket-Key}, after the checks the listener's
 * own upgrade makes (Netty's version-13 handshaker, the exact path, the origin allow-list, RFC 9112's one Host):
 * request line {@code GET <path> HTTP/1.1} (or the path in absolute form, {@code http://host/path}); exactly one
 * {@code Host}; {@code Upgrade} with the token {@code websocket} and {@code Connection} with the token
 * {@code upgrade} (comma-separated lists, any case, in any of their header lines); {@code Sec-WebSocket-Version: 13}
 * once; one key, the base64 of 16 bytes ({@link UpgradeRequestCheck#isKey}); no {@code Origin} or an allowed one.
 * Header names match in any case; lines end in CRLF (Netty 4.2's decoder refuses a bare LF, so the listener answers
 * it 400). What fails a check, or does not parse (a header line without a colon, a name with white space, a folded
 * line, a bare LF), is not upgraded: the caller answers with the HTTP refusal. Stateless, no
 * allocation but the key and origin strings; any thread.
 */
final class UpgradeRequestScan {
    /**
     * Longest request head (request line and headers) read: the request line and header limits of the HTTP codec
     * the listener's upgrades go through (4096 + 8192), so every request it would read fits.
     */
    static final int MAX_HEAD_BYTES = 4096 + 8192;

    private static final byte[] GET = "GET ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_1_1 = " HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE = lower("Upgrade");
    private static final byte[] CONNECTION = lower("Connection");
    private static final byte[] VERSION = lower("Sec-WebSocket-Version");
    private static final byte[] KEY = lower("Sec-WebSocket-Key");
    private static final byte[] ORIGIN = lower("Origin");
    private static final byte[] HOST = lower("Host");
    private static final byte[] HTTP_SCHEME = lower("http://");
    private static final byte[] HTTPS_SCHEME = lower("https://");
    private static final byte[] WEBSOCKET = lower("websocket");
    private static final byte[] UPGRADE_TOKEN = lower("upgrade");
    private static final byte[] V13 = "13".getBytes(StandardCharsets.US_ASCII);

    private UpgradeRequestScan() {
    }

    /**
     * The index just past the empty line that ends the head starting at {@code start}, looking at the bytes of
     * {@code b} before {@code to} and at the line ends from {@code from} on (a caller that scans again after more
     * bytes arrived passes the {@code to} of its last scan less 3, the longest end marker less one); -1 when the
     * head has not ended there.
     */
    static int endOfHead(ByteBuf b, int from, int to) {
        for (int i = from; i < to; ) {
            int lf = b.indexOf(i, to, (byte) '\n');
            if (lf < 0 || lf + 1 >= to) {
                return -1;
            }
            byte next = b.getByte(lf + 1);
            if (next == '\n') {
                return lf + 2;
            }
            if (next == '\r') {
                if (lf + 2 >= to) {
                    return -1;
                }
                if (b.getByte(lf + 2) == '\n') {
                    return lf + 3;
                }
            }
            i = lf + 1;
        }
        return -1;
    }

    /**
     * The {@code Sec-WebSocket-Key} of the request head in {@code [start, end)} of {@code b} (from
     * {@link #endOfHead}) when the listener of {@code path} and {@code origins} would upgrade it; null when it would
     * not, or when the head does not parse.
     */
    static String upgradeKey(ByteBuf b, int start, int end, byte[] path, OriginAllowList origins) {
        int lf = b.indexOf(start, end, (byte) '\n');
        if (lf < 0 || lineEnd(b, start, lf) < 0 || !isRequestLine(b, start, lineEnd(b, start, lf), path)) {
            return null;
        }
        boolean upgrade = false;
        boolean connection = false;
        boolean version = false;
        String key = null;
        String origin = null;
        boolean sawVersion = false;
        int hosts = 0;
        for (int line = lf + 1; line < end; line = lf + 1) {
            lf = b.indexOf(line, end, (byte) '\n');
            if (lf < 0) {
                return null; // not a head from endOfHead
            }
            int le = lineEnd(b, line, lf);
            if (le < 0) {
                return null; // a bare LF, which the listener's HTTP codec refuses
            }
            if (le == line) {
                break; // the empty line ending the head
            }
            int colon = b.indexOf(line, le, (byte) ':');
            if (colon <= line || !isName(b, line, colon)) {
                return null; // no colon, an empty name, white space in the name, or a folded line
            }
            int vs = skipSpace(b, colon + 1, le);
            int ve = trimSpace(b, vs, le);
            int n = colon - line;
            if (nameIs(b, line, n, UPGRADE)) {
                upgrade |= hasToken(b, vs, ve, WEBSOCKET);
            } else if (nameIs(b, line, n, CONNECTION)) {
                connection |= hasToken(b, vs, ve, UPGRADE_TOKEN);
            } else if (nameIs(b, line, n, VERSION)) {
                if (sawVersion) {
                    return null; // given twice: the listener refuses it (RFC 6455 11.3.5)
                }
                sawVersion = true;
                version = ve - vs == V13.length && matches(b, vs, V13);
            } else if (nameIs(b, line, n, KEY)) {
                if (key != null) {
                    return null; // given twice (RFC 6455 11.3.1)
                }
                key = b.toString(vs, ve - vs, StandardCharsets.US_ASCII);
            } else if (nameIs(b, line, n, HOST)) {
                hosts++;
            } else if (nameIs(b, line, n, ORIGIN)) {
                if (origin == null) {
                    origin = b.toString(vs, ve - vs, StandardCharsets.ISO_8859_1);
                }
            }
        }
        if (!upgrade || !connection || !version || hosts != 1 || key == null || !UpgradeRequestCheck.isKey(key)
                || (origin != null && !origins.allows(origin))) {
            return null;
        }
        return key;
    }

    /**
     * {@code GET <path> HTTP/1.1}, the target exactly the listener's path (query and all), or an absolute-form target
     * whose origin form is, as the listener takes it ({@code RequestFraming.originForm}: {@code http://host/sub}).
     */
    private static boolean isRequestLine(ByteBuf b, int start, int end, byte[] path) {
        int from = start + GET.length;
        int to = end - HTTP_1_1.length;
        if (to < from || !matches(b, start, GET) || !matches(b, to, HTTP_1_1)) {
            return false;
        }
        if (to - from == path.length && matches(b, from, path)) {
            return true;
        }
        int scheme = startsWithLower(b, from, to, HTTP_SCHEME) ? HTTP_SCHEME.length
                : startsWithLower(b, from, to, HTTPS_SCHEME) ? HTTPS_SCHEME.length : -1;
        if (scheme < 0 || from + scheme == to) {
            return false;
        }
        byte first = b.getByte(from + scheme);
        if (first == '/' || first == '?' || first == '#') {
            return false; // an empty host: the listener refuses it (RequestFraming)
        }
        for (int i = from + scheme; i < to; i++) {
            byte c = b.getByte(i);
            if (c == '/') {
                return to - i == path.length && matches(b, i, path);
            }
            if (c == '?' || c == '#') { // no path: the origin form is "/" and what follows
                if (path.length == 0 || to - i != path.length - 1 || path[0] != '/') {
                    return false;
                }
                for (int j = 1; j < path.length; j++) {
                    if (b.getByte(i + j - 1) != path[j]) {
                        return false;
                    }
                }
                return true;
            }
        }
        return path.length == 1 && path[0] == '/';
    }

    /** Whether {@code [from, to)} of {@code b} starts with {@code lower} in any case. */
    private static boolean startsWithLower(ByteBuf b, int from, int to, byte[] lower) {
        return to - from >= lower.length && nameIs(b, from, lower.length, lower);
    }

    /** The end of the line whose LF is at {@code lf}, without its CR; -1 when no CR precedes the LF. */
    private static int lineEnd(ByteBuf b, int start, int lf) {
        return lf > start && b.getByte(lf - 1) == '\r' ? lf - 1 : -1;
    }

    /** A header name: visible ASCII, no white space (a line starting with white space is a folded line). */
    private static boolean isName(ByteBuf b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b.getByte(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    private static int skipSpace(ByteBuf b, int from, int to) {
        while (from < to && isSpace(b.getByte(from))) {
            from++;
        }
        return from;
    }

    private static int trimSpace(ByteBuf b, int from, int to) {
        while (to > from && isSpace(b.getByte(to - 1))) {
            to--;
        }
        return to;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t';
    }

    /** The comma-separated list in {@code [from, to)} holds {@code token} (lower case), in any case, trimmed. */
    private static boolean hasToken(ByteBuf b, int from, int to, byte[] token) {
        for (int i = from; i <= to; ) {
            int comma = b.indexOf(i, to, (byte) ',');
            int e = comma < 0 ? to : comma;
            int ts = skipSpace(b, i, e);
            int te = trimSpace(b, ts, e);
            if (te - ts == token.length && nameIs(b, ts, token.length, token)) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            i = comma + 1;
        }
        return false;
    }

    /** The {@code n} bytes at {@code from} are {@code lower} in any case (ASCII letters, digits and dashes). */
    private static boolean nameIs(ByteBuf b, int from, int n, byte[] lower) {
        if (n != lower.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = b.getByte(from + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(ByteBuf b, int from, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (b.getByte(from + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] lower(String s) {
        return s.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }
}
