package io.jgoim.common.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque cursor of a presence page: the last session key the page returned, base64url-encoded with a version
 * prefix so its form can change later. Members are ordered by key, so the next page asks for keys after it: no key
 * is returned twice across pages, whoever joins or leaves in between (a member joining behind the cursor is seen on
 * the next walk only). Stateless.
 */
public final class PageCursor {
    private static final String VERSION = "k1:";

    private PageCursor() {
    }

    public static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    /** The key a cursor names; "" for none (the first page); BAD_PARAMETER for one this code did not write. */
    public static String decode(String cursorOrNull) {
        if (cursorOrNull == null || cursorOrNull.isEmpty()) {
            return "";
        }
        String s;
        try {
            s = new String(Base64.getUrlDecoder().decode(cursorOrNull), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw AdminCall.bad("cursor is not one a presence page returned");
        }
        if (!s.startsWith(VERSION)) {
            throw AdminCall.bad("cursor is not one a presence page returned");
        }
        return s.substring(VERSION.length());
    }
}
