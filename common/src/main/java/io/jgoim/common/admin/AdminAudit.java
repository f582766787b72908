package io.jgoim.common.admin;

import io.jgoim.common.logging.LogLevels;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The audit line of an admin action, one per action at INFO on {@value LogLevels#AUDIT_LOGGER} (the logger whose level
 * no runtime change can lower, as for log-level changes): {@code admin <action> <target> by <who>: <result>}, where
 * who is an API key id and an address, never a key. The comet's and job's admin ports and logic's cluster routes
 * write it through here, so the line reads the same everywhere. Stateless.
 */
public final class AdminAudit {
    private static final Logger audit = LoggerFactory.getLogger(LogLevels.AUDIT_LOGGER);

    private AdminAudit() {
    }

    public static void record(String action, String target, String by, String result) {
        // Every part may quote the caller (a refusal's message repeats the bad value): none may break the line or
        // carry a control character into it, or a caller could forge audit lines of its own.
        audit.info("admin {} {} by {}: {}", action, target.isEmpty() ? "-" : visible(target), visible(by),
                visible(result));
    }

    /**
     * {@code s} with each control character (U+0000..U+001F, U+007F..U+009F) written as a backslash, u and its four
     * hex digits.
     */
    static String visible(String s) {
        int i = 0;
        while (i < s.length() && !Character.isISOControl(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Records an action's outcome: {@code ok} with the reply's scalar fields, or {@code refused <code> <message>}. */
    public static void record(String action, String target, String by, Object data, Throwable error) {
        record(action, target, by, error == null ? ("ok " + summary(data)).trim() : refusal(error));
    }

    /** {@code name=value} of the named parameters present ({@code value} null: absent); values clipped, one line. */
    public static String target(List<String> names, Function<String, String> value) {
        StringBuilder b = new StringBuilder();
        for (String p : names) {
            String v = value.apply(p);
            if (v != null && !v.isEmpty()) {
                b.append(b.length() == 0 ? "" : " ").append(p).append('=').append(clip(v));
            }
        }
        return b.toString();
    }

    private static String refusal(Throwable error) {
        Throwable t = Failures.unwrap(error);
        return t instanceof JgoimException j ? "refused " + j.code().code() + " " + t.getMessage()
                : "refused 500 internal error";
    }

    /** A reply's scalar fields (counts, weights), never its lists of sessions. */
    private static String summary(Object data) {
        if (!(data instanceof Map<?, ?> m)) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Number || v instanceof Boolean || v instanceof String) {
                b.append(b.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(v);
            }
        }
        return b.toString();
    }

    /** Values come from the caller: bounded (their control characters are made visible by {@link #record}). */
    private static String clip(String s) {
        return s.length() <= 128 ? s : s.substring(0, 128) + "...";
    }
}
