package io.jgoim.server;

import java.net.BindException;
import java.net.ConnectException;
import java.util.Locale;

/**
 * One clear line for a command that could not start or failed (a port in use, Redis or Kafka unreachable at
 * start): what went wrong, the innermost cause, and what to do about it. The stack trace is printed only when
 * {@code JGOIM_DEBUG} is set — forty lines of frames bury the one line an operator needs.
 */
final class StartupFailure {
    private StartupFailure() {
    }

    /** The line printed after {@code jgoim <command>: }. */
    static String describe(Throwable failure) {
        Throwable top = failure;
        while (top.getCause() != null && top.getMessage() == null) {
            top = top.getCause();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what = message(top);
        StringBuilder line = new StringBuilder(what);
        String rootText = message(root);
        if (root != top && !what.contains(rootText)) {
            line.append(" (").append(rootText).append(')');
        }
        String advice = advice(root, line.toString());
        if (advice != null) {
            line.append(": ").append(advice);
        }
        return line.toString();
    }

    /** Whether the operator asked for stack traces. */
    static boolean debug(java.util.Map<String, String> env) {
        String v = env.get("JGOIM_DEBUG");
        return v != null && !v.isBlank() && !"0".equals(v) && !"false".equalsIgnoreCase(v);
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static String advice(Throwable root, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (root instanceof BindException || lower.contains("address already in use")) {
            return "another process holds that port; stop it or choose another port in the config"
                    + " (docs/config.md: the *.port keys and their JGOIM_* names)";
        }
        if (lower.contains("redis")) {
            return "is redis-server running at redis.uris? (JGOIM_REDIS_URIS)";
        }
        if (lower.contains("kafka") || lower.contains("bootstrap")) {
            return "is the Kafka broker at kafka.bootstrapServers reachable? (JGOIM_KAFKA_BOOTSTRAP_SERVERS)";
        }
        if (root instanceof ConnectException) {
            return "nothing answers at that address";
        }
        return null;
    }
}
