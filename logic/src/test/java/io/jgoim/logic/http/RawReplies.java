package io.jgoim.logic.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link HttpFuzzIT} read from a connection, as HTTP/1.1 responses: the complete replies, whether an incomplete
 * one follows ({@code partial}), or why the bytes are not HTTP ({@code malformed}, null when they are). Parsed from
 * the whole buffer after each read, so it never blocks; immutable.
 */
record RawReplies(List<RawReplies.Reply> replies, boolean partial, String malformed) {
    static final RawReplies NONE = new RawReplies(List.of(), false, null);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3}) [^\r\n]*");

    /** Whether a 404 with exactly this message (a sentinel's) is among the replies. */
    boolean has404(String message) {
        return replies.stream().anyMatch(r -> r.status() == 404 && message.equals(r.message()));
    }

    /** One reply as read: status, lower-cased headers (last wins), JSON body or null; bodyless for a HEAD's. */
    record Reply(int status, Map<String, String> headers, JsonNode json, boolean bodyless) {
        String message() {
            return json == null || json.get("message") == null ? null : json.get("message").asText();
        }

        int code() {
            return json == null || json.get("code") == null ? Integer.MIN_VALUE : json.get("code").asInt();
        }
    }

    /**
     * Parses responses from {@code b}. The server never chunks a reply, so each non-interim one has a Content-Length;
     * a reply to a HEAD carries the length of the body it leaves out, so in a case with a HEAD a reply followed by
     * the next status line (or the end of the stream) is taken as bodiless.
     */
    static RawReplies parse(byte[] b, boolean head, boolean ended) {
        List<Reply> replies = new ArrayList<>();
        int at = 0;
        while (at < b.length) {
            int end = indexOf(b, at);
            if (end < 0) {
                return new RawReplies(replies, true, null);
            }
            String[] lines = new String(b, at, end - at, StandardCharsets.ISO_8859_1).split("\r\n", -1);
            Matcher status = STATUS_LINE.matcher(lines[0]);
            if (!status.matches()) {
                return new RawReplies(replies, false, "status line '" + HttpCases.escape(lines[0]) + "'");
            }
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    return new RawReplies(replies, false, "header line '" + HttpCases.escape(lines[i]) + "'");
                }
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            int code = Integer.parseInt(status.group(1));
            int bodyAt = end + 4;
            if (code < 200) {
                replies.add(new Reply(code, headers, null, true));
                at = bodyAt;
                continue;
            }
            if (headers.containsKey("transfer-encoding") || !headers.containsKey("content-length")) {
                return new RawReplies(replies, false, "reply without a Content-Length");
            }
            int length;
            try {
                length = Integer.parseInt(headers.get("content-length"));
            } catch (NumberFormatException e) {
                return new RawReplies(replies, false, "Content-Length '" + headers.get("content-length") + "'");
            }
            boolean bodiless = head && (bodyAt == b.length ? ended : b[bodyAt] == 'H');
            if (bodiless || length == 0) {
                replies.add(new Reply(code, headers, null, bodiless));
                at = bodyAt;
                continue;
            }
            if (bodyAt + length > b.length) {
                return new RawReplies(replies, true, null);
            }
            JsonNode json = null;
            if (headers.getOrDefault("content-type", "").startsWith("application/json")) {
                try {
                    json = JSON.readTree(new String(b, bodyAt, length, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    return new RawReplies(replies, false, "JSON body: " + e.getMessage());
                }
            }
            replies.add(new Reply(code, headers, json, false));
            at = bodyAt + length;
        }
        return new RawReplies(replies, false, null);
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
