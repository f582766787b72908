package io.jgoim.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runtime level changes over this JVM's Logback (common's tests run on it): they take effect and are audited. */
class LogLevelsTest {
    private static final String TARGET = "io.jgoim.test.levels.Target";
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    private final LogLevels levels = LogLevels.backend();
    private Level rootBefore;

    @BeforeEach
    void captureAudit() {
        audit.setContext(context);
        audit.start();
        context.getLogger(LogLevels.AUDIT_LOGGER).addAppender(audit);
        rootBefore = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel();
    }

    @AfterEach
    void restore() {
        context.getLogger(LogLevels.AUDIT_LOGGER).detachAppender(audit);
        context.getLogger(TARGET).setLevel(null);
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(rootBefore);
    }

    @Test
    void shouldBeLogbackInThisJvm() {
        assertThat(levels).isInstanceOf(LogbackLevels.class);
    }

    @Test
    void shouldChangeALevelAndAuditItBeforeItTakesEffect() {
        org.slf4j.Logger target = LoggerFactory.getLogger(TARGET);
        assertThat(target.isDebugEnabled()).isFalse(); // io.jgoim is INFO in logback-test.xml

        LogLevels.Change c = levels.set(TARGET, "debug", "API key ops from 10.0.0.9");

        assertThat(target.isDebugEnabled()).isTrue();
        assertThat(c).isEqualTo(new LogLevels.Change(TARGET, null, "DEBUG", "DEBUG"));
        assertThat(audit.list).hasSize(1);
        ILoggingEvent line = audit.list.get(0);
        assertThat(line.getLevel()).isEqualTo(Level.INFO);
        assertThat(line.getFormattedMessage())
                .isEqualTo("log level of " + TARGET + " set from INHERIT to DEBUG by API key ops from 10.0.0.9");
    }

    @Test
    void shouldInheritAgainAfterInherit() {
        levels.set(TARGET, "ERROR", "t");
        assertThat(LoggerFactory.getLogger(TARGET).isWarnEnabled()).isFalse();

        LogLevels.Change c = levels.set(TARGET, "inherit", "t");

        assertThat(c).isEqualTo(new LogLevels.Change(TARGET, "ERROR", null, "INFO"));
        assertThat(LoggerFactory.getLogger(TARGET).isInfoEnabled()).isTrue();
        assertThat(audit.list).hasSize(2);
    }

    @Test
    void shouldSetTheRootByItsName() {
        LogLevels.Change c = levels.set("root", "ERROR", "t");
        assertThat(c.logger()).isEqualTo("ROOT");
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.ERROR);
        assertThatThrownBy(() -> levels.set("ROOT", "INHERIT", "t")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseTheAuditLoggerABadLevelAndABadNameChangingNothing() {
        assertThatThrownBy(() -> levels.set(LogLevels.AUDIT_LOGGER, "OFF", "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fixed");
        assertThatThrownBy(() -> levels.set(LogLevels.AUDIT_LOGGER + ".x", "OFF", "t"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> levels.set(TARGET, "LOUD", "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOUD");
        assertThatThrownBy(() -> levels.set("a b", "INFO", "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logger");
        assertThat(audit.list).isEmpty();
        assertThat(context.getLogger(LogLevels.AUDIT_LOGGER).getLevel()).isNotEqualTo(Level.OFF);
        assertThat(context.exists("a b")).as("a refused name creates no logger").isNull();
    }
}
