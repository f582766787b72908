package io.jgoim.common.logging;

/**
 * Makes text a client chose (a request line or header Netty's decoder quotes in its exception message, a header
 * value, a PROXY header) safe for one log line: every char outside printable ASCII (CR, LF, ESC, NUL, DEL, C1
 * controls, any non-ASCII char, which a terminal or log viewer might act on or a reader confuse) becomes
 * {@code \xHH} or {@code \\uHHHH}, a backslash {@code \\}, so no escape can be forged, and the text is cut at a bound
 * with the count of the chars left out. Call it where such text is logged; messages of our own need none.
 * Stateless; allocates only when the text needs a change.
 */
public final class ClientText {
    /** Longest a logged client text gets, in chars before escaping. */
    public static final int MAX_CHARS = 200;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ClientText() {
    }

    /** {@code text} (its {@code toString()}; "null" for null) escaped and cut at {@link #MAX_CHARS}. */
    public static String of(Object text) {
        return of(text, MAX_CHARS);
    }

    /** {@code text} escaped and cut at {@code maxChars} chars of the original. */
    public static String of(Object text, int maxChars) {
        String s = String.valueOf(text);
        int n = Math.min(s.length(), maxChars);
        int i = 0;
        while (i < n && printable(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (printable(c)) {
                b.append(c);
            } else if (c == '\\') {
                b.append("\\\\");
            } else if (c <= 0xFF) {
                b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                b.append("\\u").append(HEX[c >> 12]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                        .append(HEX[c & 0xF]);
            }
        }
        if (s.length() > n) {
            b.append("...(").append(s.length() - n).append(" more chars)");
        }
        return b.toString();
    }

    private static boolean printable(char c) {
        return c >= 0x20 && c < 0x7F && c != '\\';
    }
}
