package io.jgoim.common.logging;

import io.jgoim.common.config.Checks;
import io.jgoim.common.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A node's {@code logging:} section: the line {@code format} ({@value #AUTO}: text in standalone, JSON in cluster
 * mode; or {@value #TEXT}, {@value #JSON}), the root {@code level}, and per-logger {@code levels} as
 * {@code "logger=LEVEL"} entries (a list, so one environment variable can hold them:
 * {@code JGOIM_LOGGING_LEVELS=org.apache.kafka=INFO,io.jgoim.job=DEBUG}). Validated here, so a typo stops the node
 * before it starts. Immutable.
 */
public record LoggingConfig(String format, String level, List<String> levels) {
    public static final String AUTO = "auto";
    public static final String TEXT = "text";
    public static final String JSON = "json";
    /** Levels a logger can be set to, in config and at runtime. */
    public static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    /** The root logger's name in {@code levels} and in the runtime route. */
    public static final String ROOT = "ROOT";
    private static final int MAX_LOGGER_NAME = 200;

    public LoggingConfig {
        Checks.notNull(format, "logging.format");
        Checks.notNull(level, "logging.level");
        Checks.notNull(levels, "logging.levels");
        format = format.trim().toLowerCase(Locale.ROOT);
        Checks.check(Set.of(AUTO, TEXT, JSON).contains(format),
                "logging.format must be auto, text or json, was '" + format + "'");
        level = checkLevel(level, "logging.level");
        levels = List.copyOf(levels);
        parseLevels(levels);
    }

    /** The embedded default: automatic format, root at INFO, no per-logger levels beyond the jar's logback.xml. */
    public static LoggingConfig defaults() {
        return new LoggingConfig(AUTO, "INFO", List.of());
    }

    /** Whether lines are JSON for a node started in {@code clusterMode} (a comet, logic or job command). */
    public boolean json(boolean clusterMode) {
        return JSON.equals(format) || (AUTO.equals(format) && clusterMode);
    }

    /** {@code levels} as logger name to upper-case level, in the order given (a later entry wins). */
    public Map<String, String> loggerLevels() {
        return parseLevels(levels);
    }

    /** An upper-cased level name of {@link #LEVELS}; else a {@link ConfigException} naming {@code key}. */
    public static String checkLevel(String level, String key) {
        String l = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
        Checks.check(LEVELS.contains(l), key + " must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, was '"
                + level + "'");
        return l;
    }

    /** Whether {@code name} can name a logger: {@value #ROOT} or a dotted Java-style name of at most 200 chars. */
    public static boolean isLoggerName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LOGGER_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '$' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return !name.startsWith(".") && !name.endsWith(".") && !name.contains("..");
    }

    private static Map<String, String> parseLevels(List<String> entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : entries) {
            int eq = e == null ? -1 : e.indexOf('=');
            Checks.check(eq > 0, "logging.levels: '" + e + "' is not logger=LEVEL (e.g. org.apache.kafka=INFO)");
            String name = e.substring(0, eq).trim();
            Checks.check(isLoggerName(name), "logging.levels: '" + name + "' is not a logger name");
            out.put(name, checkLevel(e.substring(eq + 1), "logging.levels[" + name + "]"));
        }
        return out;
    }
}
