package io.jgoim.client;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a session's key across reconnects: a goim JSON token with an empty key lets the server generate one, which
 * an extended client learns from its auth reply ({@code {"key":"...","heartbeat":n}}); later auths send the token
 * with that key, so the session keeps its identity (pushes by key, the route in logic) on whichever comet it lands.
 * Tokens that are not goim JSON with an empty key (a JWT) are sent unchanged. Stateless.
 */
final class SessionKeys {
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String EMPTY_KEY = "\"key\":\"\"";

    private SessionKeys() {
    }

    /** The key an extended auth reply names, or null (a goim reply has no body). */
    static String fromAuthReply(ByteBuf body) {
        if (body.readableBytes() == 0) {
            return null;
        }
        Matcher m = KEY.matcher(body.toString(StandardCharsets.UTF_8));
        return m.find() && !m.group(1).isEmpty() ? m.group(1) : null;
    }

    /** {@code token} with its empty goim key set to {@code key}, or {@code token} itself when it has none. */
    static byte[] withKey(byte[] token, String key) {
        if (key == null) {
            return token;
        }
        String s = new String(token, StandardCharsets.UTF_8);
        int at = s.indexOf(EMPTY_KEY);
        if (at < 0 || !s.startsWith("{")) {
            return token;
        }
        // The key came back JSON-escaped in the reply: it goes into the token as it came.
        String out = s.substring(0, at) + "\"key\":\"" + key + "\"" + s.substring(at + EMPTY_KEY.length());
        return out.getBytes(StandardCharsets.UTF_8);
    }
}
