package io.jgoim.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A node's logging section applied to this JVM's Logback (logback-test.xml, whose appender uses NodeLogEncoder). */
class NodeLoggingTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level rootBefore = root.getLevel();

    private NodeLogEncoder encoder() {
        return (NodeLogEncoder) ((OutputStreamAppender<?>) root.getAppender("CONSOLE")).getEncoder();
    }

    @AfterEach
    void restore() {
        root.setLevel(rootBefore);
        context.getLogger("org.example.chatty").setLevel(null);
        context.getLogger("io.jgoim").setLevel(Level.INFO);
        encoder().setJson(false);
        encoder().setNode("jgoim", "-");
    }

    @Test
    void shouldWriteJsonForAClusterNodeAndApplyTheLevels() {
        LoggingConfig c = new LoggingConfig("auto", "ERROR", List.of("org.example.chatty=DEBUG", "io.jgoim=WARN"));

        assertThat(NodeLogging.apply("job", "job-3", c, true)).isTrue();

        assertThat(encoder().isJson()).isTrue();
        assertThat(root.getLevel()).isEqualTo(Level.ERROR);
        assertThat(LoggerFactory.getLogger("org.example.chatty.Thing").isDebugEnabled()).isTrue();
        assertThat(LoggerFactory.getLogger("io.jgoim.job.JobServer").isInfoEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger(LogLevels.AUDIT_LOGGER).isInfoEnabled())
                .as("the audit logger stays at INFO whatever the root").isTrue();
    }

    @Test
    void shouldWriteTextForStandaloneUnlessJsonIsConfigured() {
        NodeLogging.apply("standalone", "standalone", LoggingConfig.defaults(), false);
        assertThat(encoder().isJson()).isFalse();

        NodeLogging.apply("standalone", "standalone", new LoggingConfig("json", "INFO", List.of()), false);
        assertThat(encoder().isJson()).isTrue();
    }
}
