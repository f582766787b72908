package io.jgoim.comet.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the comet sent a client before (and as) its answer to an upgrade request, read as HTTP/1.1 responses for
 * {@link UpgradeFuzzIT}: interim ones (100), then the final one, then whatever followed it ({@code after}: WebSocket
 * frames behind a 101, nothing behind a refusal). A final response other than a 101 carries a Content-Length, or
 * ends at the close. Parsed from the whole buffer each time, never blocking; immutable.
 *
 * @param replies   the responses read, the final one last
 * @param after     the bytes after the final response (null until it is complete)
 * @param partial   the bytes end inside a response
 * @param malformed why the bytes are not HTTP/1.1 responses, or null
 */
record UpgradeReplies(List<UpgradeReplies.Reply> replies, byte[] after, boolean partial, String malformed) {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) [^\r\n]*");

    /** One response: its status, its headers (lower-case names, the last one wins), its body's length. */
    record Reply(int status, Map<String, String> headers, int bodyLength) {
        String header(String name) {
            return headers.get(name);
        }
    }

    /** The final response, or null before it is complete. */
    Reply last() {
        return after == null || replies.isEmpty() ? null : replies.get(replies.size() - 1);
    }

    /**
     * Parses {@code b}; {@code ended}: the comet closed the connection, so a body without a length ends here;
     * {@code head}: the answers are to a HEAD, so they have no body (RFC 9110 9.3.2).
     */
    static UpgradeReplies parse(byte[] b, boolean ended, boolean head) {
        List<Reply> replies = new ArrayList<>();
        int at = 0;
        while (at < b.length) {
            int end = indexOf(b, at);
            if (end < 0) {
                return new UpgradeReplies(replies, null, true, looksLikeStatus(b, at));
            }
            String[] lines = new String(b, at, end - at, StandardCharsets.ISO_8859_1).split("\r\n", -1);
            Matcher status = STATUS_LINE.matcher(lines[0]);
            if (!status.matches()) {
                return new UpgradeReplies(replies, null, false, "status line '"
                        + UpgradeCases.escape(lines[0], 80) + "'");
            }
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    return new UpgradeReplies(replies, null, false, "header line '"
                            + UpgradeCases.escape(lines[i], 80) + "'");
                }
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            int code = Integer.parseInt(status.group(1));
            int bodyAt = end + 4;
            if (code == 100) {
                replies.add(new Reply(code, headers, 0));
                at = bodyAt;
                continue;
            }
            if (code < 200 && code != 101) {
                return new UpgradeReplies(replies, null, false, "interim status " + code);
            }
            if (code == 101) {
                replies.add(new Reply(code, headers, 0));
                return new UpgradeReplies(replies, Arrays.copyOfRange(b, bodyAt, b.length), false, null);
            }
            String length = headers.get("content-length");
            if (length == null && !head) {
                if (!ended) {
                    return new UpgradeReplies(replies, null, true, null);
                }
                replies.add(new Reply(code, headers, b.length - bodyAt));
                return new UpgradeReplies(replies, new byte[0], false, null);
            }
            int n;
            try {
                n = length == null ? 0 : Integer.parseInt(length);
            } catch (NumberFormatException e) {
                return new UpgradeReplies(replies, null, false, "Content-Length '" + length + "'");
            }
            if (head && !(ended && b.length - bodyAt == n)) {
                // a request the comet could not read as a HEAD (a line over the limit) is answered with a body
                n = 0;
            }
            if (b.length - bodyAt < n) {
                return new UpgradeReplies(replies, null, true, null);
            }
            replies.add(new Reply(code, headers, n));
            return new UpgradeReplies(replies, Arrays.copyOfRange(b, bodyAt + n, b.length), false, null);
        }
        return new UpgradeReplies(replies, null, false, null);
    }

    /** A head not yet ended must at least start like a status line. */
    private static String looksLikeStatus(byte[] b, int at) {
        byte[] prefix = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < prefix.length && at + i < b.length; i++) {
            if (b[at + i] != prefix[i]) {
                return "bytes that start no status line: '" + UpgradeCases.escape(
                        new String(b, at, Math.min(40, b.length - at), StandardCharsets.ISO_8859_1), 80) + "'";
            }
        }
        return null;
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
