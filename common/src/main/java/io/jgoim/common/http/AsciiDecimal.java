package io.jgoim.common.http;

/**
 * The one rule for a number in a query parameter (push API and admin routes alike): ASCII digits 0-9 after an
 * optional {@code +} (or {@code -} when signed), nothing around them. Java's parsers also take other scripts' digits
 * (Arabic-Indic, fullwidth: {@code ١٢٣} read as 123), and trimming took white space and NULs around them; goim's
 * strconv takes neither, and neither is a number a caller meant.
 */
public final class AsciiDecimal {
    private AsciiDecimal() {
    }

    /** {@code v} when it is an ASCII decimal (see the class); else a NumberFormatException. */
    public static String check(String v, boolean signed) {
        int i = !v.isEmpty() && (v.charAt(0) == '+' || (signed && v.charAt(0) == '-')) ? 1 : 0;
        if (i == v.length()) {
            throw new NumberFormatException(v);
        }
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException(v);
            }
        }
        return v;
    }
}
