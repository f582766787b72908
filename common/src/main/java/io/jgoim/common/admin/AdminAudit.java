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
        audit.info("admin {} {} by {}: {}", action, target.isEmpty() ? "-" : target, by, result);
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

    /** Values come from the caller: bounded and without line breaks in the log. */
    private static String clip(String s) {
        String one = s.replaceAll("[\\r\\n\\t]", "_");
        return one.length() <= 128 ? one : one.substring(0, 128) + "...";
    }
}
