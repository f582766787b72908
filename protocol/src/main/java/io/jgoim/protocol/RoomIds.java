package io.jgoim.protocol;

import java.nio.charset.StandardCharsets;

/**
 * What a room id may be, wherever one comes in: a token's {@code room_id} (logic's Connect), a room change (op 12)
 * and a push or query naming a room (logic's API). One rule, so a session can be in exactly the rooms a push can
 * name: 1 to {@value #MAX_BYTES} bytes of UTF-8 without control characters (C0, DEL, C1). Before it, a push could
 * name rooms (a NUL, a newline, 10 KB) that op 12 refused, and a token could put a session in one. Stateless.
 */
public final class RoomIds {
    /** Longest room id, in UTF-8 bytes ({@code type://} included). */
    public static final int MAX_BYTES = 256;
    /** The rule, as refusals word it. */
    public static final String RULE = "room id must be 1-" + MAX_BYTES
            + " bytes of UTF-8 without control characters";

    private RoomIds() {
    }

    /** Whether {@code id} (a whole room id, {@code live://1000}) keeps the rule. */
    public static boolean valid(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_BYTES) {
            return false; // (a String longer than MAX_BYTES chars is longer in UTF-8 bytes too)
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (Character.isSurrogate(c)) {
                // a lone surrogate has no UTF-8 form
                if (!Character.isHighSurrogate(c) || i + 1 == id.length()
                        || !Character.isLowSurrogate(id.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return id.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }
}
