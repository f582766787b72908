package io.jgoim.common.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Checks a request target's percent-escapes before anything decodes it: each {@code %} followed by two hex digits,
 * and each run of escapes valid UTF-8. Netty's {@code QueryStringDecoder} throws on a bad escape (which a service
 * would take for its own bug) and turns invalid UTF-8 into U+FFFD (a key or room nobody asked for); a target this
 * finds no problem in decodes exactly as the client meant. Stateless; allocates only for targets with escapes.
 */
public final class PercentEscapes {
    private PercentEscapes() {
    }

    /** What is wrong with {@code target}'s escapes (up to any {@code #}), or null when nothing is. */
    public static String problem(String target) {
        int end = target.indexOf('#');
        end = end < 0 ? target.length() : end;
        int i = target.indexOf('%');
        while (i >= 0 && i < end) {
            int runStart = i;
            byte[] run = new byte[8];
            int n = 0;
            while (i < end && target.charAt(i) == '%') {
                int hi = i + 1 < end ? Character.digit(target.charAt(i + 1), 16) : -1;
                int lo = i + 2 < end ? Character.digit(target.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    return "'" + target.substring(i, Math.min(end, i + 3)) + "' at offset " + i
                            + " is not a percent-escape (% and two hex digits)";
                }
                if (n == run.length) {
                    run = Arrays.copyOf(run, n * 2);
                }
                run[n++] = (byte) (hi << 4 | lo);
                i += 3;
            }
            if (!isUtf8(run, n)) {
                return "'" + target.substring(runStart, i) + "' at offset " + runStart + " is not UTF-8";
            }
            i = target.indexOf('%', i);
        }
        return null;
    }

    private static boolean isUtf8(byte[] bytes, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
