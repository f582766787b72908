package io.jgoim.client;

import java.nio.charset.StandardCharsets;

/**
 * Builds goim's plain JSON auth token,
 * {@code {"mid":123,"key":"","room_id":"live://1000","platform":"web","accepts":[1000,1001]}}. An empty key asks the
 * server for a generated one. Stateless.
 */
public final class GoimToken {
    private GoimToken() {
    }

    /** The token as UTF-8 JSON bytes. */
    public static byte[] json(long memberId, String key, String roomId, String platform, int... accepts) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"mid\":").append(memberId);
        sb.append(",\"key\":");
        quote(sb, key == null ? "" : key);
        sb.append(",\"room_id\":");
        quote(sb, roomId == null ? "" : roomId);
        sb.append(",\"platform\":");
        quote(sb, platform == null ? "" : platform);
        sb.append(",\"accepts\":[");
        for (int i = 0; i < accepts.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(accepts[i]);
        }
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
