package io.jgoim.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * {@link LogLevels} over Logback's logger context (the one SLF4J is bound to). The audit line is written before the
 * level changes, at INFO on {@value LogLevels#AUDIT_LOGGER}. Thread-safe (Logback's loggers are).
 */
final class LogbackLevels implements LogLevels {
    private static final org.slf4j.Logger audit = LoggerFactory.getLogger(AUDIT_LOGGER);

    @Override
    public Change set(String logger, String level, String by) {
        if (!LoggingConfig.isLoggerName(logger)) {
            throw new IllegalArgumentException("logger must be ROOT or a logger name (letters, digits, . _ $ -; "
                    + "at most 200), was '" + logger + "'");
        }
        boolean root = LoggingConfig.ROOT.equalsIgnoreCase(logger);
        if (logger.equals(AUDIT_LOGGER) || logger.startsWith(AUDIT_LOGGER + ".")) {
            throw new IllegalArgumentException("the level of " + AUDIT_LOGGER + " is fixed (it records these changes)");
        }
        String wanted = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
        Level next;
        if (INHERIT.equals(wanted)) {
            if (root) {
                throw new IllegalArgumentException("the root logger has no parent to inherit from");
            }
            next = null;
        } else if (LoggingConfig.LEVELS.contains(wanted)) {
            next = Level.toLevel(wanted);
        } else {
            throw new IllegalArgumentException("level must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, INHERIT, "
                    + "was '" + level + "'");
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger target = root ? context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) : context.getLogger(logger);
        String name = root ? LoggingConfig.ROOT : logger;
        Level previous = target.getLevel();
        audit.info("log level of {} set from {} to {} by {}", name, previous == null ? INHERIT : previous,
                next == null ? INHERIT : next, by);
        target.setLevel(next);
        return new Change(name, previous == null ? null : previous.toString(), next == null ? null : next.toString(),
                target.getEffectiveLevel().toString());
    }
}
