package io.jgoim.common.http;

/**
 * Checks a request target's bytes and percent-escapes before anything decodes it: no raw byte that RFC 3986 requires
 * escaped and no reading of it could mean one thing (a control byte, NUL and DEL included, or a byte at or above
 * 0x80), each {@code %} followed by two hex digits, and each run of escapes well-formed UTF-8. Netty reads the target
 * as ISO-8859-1, so a raw UTF-8 key arrived as another key nobody holds; its {@code QueryStringDecoder} throws on a
 * bad escape (which a service would take for its own bug) and turns invalid UTF-8 into U+FFFD (a key or room nobody
 * asked for). Printable ASCII outside RFC 3986's set ({@code |}, {@code {}, {@code "}, ...) has one reading and is
 * let through, as most servers do. A target this finds no problem in decodes exactly as the client meant. Stateless;
 * allocates nothing unless it finds a problem.
 */
public final class PercentEscapes {
    private PercentEscapes() {
    }

    /**
     * What is wrong with {@code target}'s bytes (each char one byte, as the HTTP codec read it) or its escapes (up to
     * any {@code #}), or null when nothing is. The answer names a bad byte by its hex value, never quotes it.
     */
    public static String problem(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return String.format("byte 0x%02X at offset %d must be percent-encoded", (int) c, i);
            }
        }
        int end = target.indexOf('#');
        end = end < 0 ? target.length() : end;
        int i = target.indexOf('%');
        while (i >= 0 && i < end) {
            int runStart = i;
            // UTF-8 (RFC 3629): continuation bytes still due, and the range the next one must fall in.
            int due = 0;
            int lower = 0x80;
            int upper = 0xBF;
            while (i < end && target.charAt(i) == '%') {
                int hi = i + 1 < end ? Character.digit(target.charAt(i + 1), 16) : -1;
                int lo = i + 2 < end ? Character.digit(target.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    return "'" + target.substring(i, Math.min(end, i + 3)) + "' at offset " + i
                            + " is not a percent-escape (% and two hex digits)";
                }
                int b = hi << 4 | lo;
                i += 3;
                if (due > 0) {
                    if (b < lower || b > upper) {
                        return notUtf8(target, runStart, i);
                    }
                    lower = 0x80;
                    upper = 0xBF;
                    due--;
                } else if (b >= 0x80) {
                    if (b >= 0xC2 && b <= 0xDF) {
                        due = 1;
                    } else if (b >= 0xE0 && b <= 0xEF) {
                        due = 2;
                        lower = b == 0xE0 ? 0xA0 : 0x80; // no overlong 3-byte forms
                        upper = b == 0xED ? 0x9F : 0xBF; // no UTF-16 surrogates
                    } else if (b >= 0xF0 && b <= 0xF4) {
                        due = 3;
                        lower = b == 0xF0 ? 0x90 : 0x80; // no overlong 4-byte forms
                        upper = b == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
                    } else {
                        return notUtf8(target, runStart, i); // a stray continuation byte, C0, C1 or F5..FF
                    }
                }
            }
            if (due > 0) {
                return notUtf8(target, runStart, i); // a sequence cut short
            }
            i = target.indexOf('%', i);
        }
        return null;
    }

    private static String notUtf8(String target, int from, int to) {
        return "'" + target.substring(from, to) + "' at offset " + from + " is not UTF-8";
    }
}
