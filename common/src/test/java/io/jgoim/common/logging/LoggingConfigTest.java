package io.jgoim.common.logging;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The logging section's checks: a typo stops the node at load, naming the key. */
class LoggingConfigTest {
    @Test
    void shouldChooseJsonForClusterNodesUnderAuto() {
        LoggingConfig auto = LoggingConfig.defaults();
        assertThat(auto.json(true)).isTrue();
        assertThat(auto.json(false)).isFalse();
        assertThat(new LoggingConfig("JSON", "info", List.of()).json(false)).isTrue();
        assertThat(new LoggingConfig("text", "info", List.of()).json(true)).isFalse();
    }

    @Test
    void shouldReadLoggerLevelsInOrderLaterWinning() {
        LoggingConfig c = new LoggingConfig("auto", "warn", List.of("org.apache.kafka=info", " io.jgoim.job = DEBUG",
                "org.apache.kafka=ERROR", "ROOT=INFO"));
        assertThat(c.level()).isEqualTo("WARN");
        assertThat(c.loggerLevels()).containsExactly(Map.entry("org.apache.kafka", "ERROR"),
                Map.entry("io.jgoim.job", "DEBUG"), Map.entry("ROOT", "INFO"));
    }

    @Test
    void shouldRefuseAnUnknownFormat() {
        assertThatThrownBy(() -> new LoggingConfig("xml", "INFO", List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("logging.format");
    }

    @Test
    void shouldRefuseAnUnknownLevel() {
        assertThatThrownBy(() -> new LoggingConfig("auto", "VERBOSE", List.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("logging.level").hasMessageContaining("VERBOSE");
    }

    @Test
    void shouldRefuseALevelsEntryWithoutEqualsABadNameOrABadLevel() {
        assertThatThrownBy(() -> new LoggingConfig("auto", "INFO", List.of("org.apache.kafka")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("logging.levels");
        assertThatThrownBy(() -> new LoggingConfig("auto", "INFO", List.of("org apache=INFO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a logger name");
        assertThatThrownBy(() -> new LoggingConfig("auto", "INFO", List.of("org.apache.kafka=LOUD")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("logging.levels[org.apache.kafka]");
    }

    @Test
    void shouldAcceptOnlyLoggerNamesOfBoundedLengthAndCharacters() {
        assertThat(LoggingConfig.isLoggerName("io.jgoim.comet.session.SessionHandler")).isTrue();
        assertThat(LoggingConfig.isLoggerName("Outer$Inner")).isTrue();
        assertThat(LoggingConfig.isLoggerName("ROOT")).isTrue();
        assertThat(LoggingConfig.isLoggerName("")).isFalse();
        assertThat(LoggingConfig.isLoggerName("a..b")).isFalse();
        assertThat(LoggingConfig.isLoggerName(".a")).isFalse();
        assertThat(LoggingConfig.isLoggerName("a\nb")).isFalse();
        assertThat(LoggingConfig.isLoggerName("x".repeat(201))).isFalse();
    }
}
