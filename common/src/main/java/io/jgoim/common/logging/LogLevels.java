package io.jgoim.common.logging;

import org.slf4j.LoggerFactory;

/**
 * Logger levels of this process, read and changed while it runs (logic's {@code POST /goim/admin/loglevel}). Every
 * change is written to the {@value #AUDIT_LOGGER} logger before it takes effect, naming who asked; that logger's own
 * level is fixed at INFO and cannot be changed here, so no runtime change can hide the next one. Thread-safe.
 */
public interface LogLevels {
    /** The logger the audit lines go to; pinned at INFO by logback.xml and {@link NodeLogging}. */
    String AUDIT_LOGGER = "io.jgoim.audit";
    /** The {@code level} that removes a logger's own level, so it inherits its parent's again. */
    String INHERIT = "INHERIT";

    /**
     * Sets {@code logger}'s level ({@link LoggingConfig#ROOT} for the root; {@value #INHERIT} to inherit).
     *
     * @param by who asked, for the audit line (an API key id and an address; never a secret)
     * @return the logger's own level before and after (null: inherited) and its effective level after
     * @throws IllegalArgumentException a bad logger name or level, or the audit logger (the message says which)
     * @throws UnsupportedOperationException when SLF4J is not bound to Logback (nothing was changed)
     */
    Change set(String logger, String level, String by);

    /** A change's outcome; {@code previous} and {@code level} are null when the logger inherited / inherits. */
    record Change(String logger, String previous, String level, String effective) {
    }

    /** The levels of this process's logging backend: Logback's, or one that refuses every change. */
    static LogLevels backend() {
        if ("ch.qos.logback.classic.LoggerContext".equals(LoggerFactory.getILoggerFactory().getClass().getName())) {
            return new LogbackLevels();
        }
        return (logger, level, by) -> {
            throw new UnsupportedOperationException("log levels cannot be changed at runtime: the logging backend is "
                    + LoggerFactory.getILoggerFactory().getClass().getName() + ", not Logback");
        };
    }
}
