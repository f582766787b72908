package io.jgoim.server;

import io.jgoim.common.config.ConfigException;
import io.jgoim.common.logging.LoggingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Standalone's one log: a top-level {@code logging:} section in its file, over logic's, under the environment. */
class StandaloneLoggingTest {
    @Test
    void shouldDefaultToAutoAtInfo() {
        try (StandaloneServer s = StandaloneServer.load(null, Map.of())) {
            assertThat(s.logging()).isEqualTo(LoggingConfig.defaults());
            assertThat(s.logging().json(false)).isFalse();
        }
    }

    @Test
    void shouldTakeTheTopLevelSectionOverLogicsAndTheEnvironmentOverBoth(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("standalone.yaml");
        Files.writeString(file, "logic:\n  logging: {format: text, level: DEBUG}\n"
                + "logging:\n  format: json\n  levels: [\"org.apache.kafka=INFO\"]\n");
        try (StandaloneServer s = StandaloneServer.load(file, Map.of("JGOIM_LOGGING_LEVEL", "WARN"))) {
            assertThat(s.logging()).isEqualTo(new LoggingConfig("json", "WARN", List.of("org.apache.kafka=INFO")));
        }
    }

    @Test
    void shouldRefuseABadLevelNamingTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("standalone.yaml");
        Files.writeString(file, "logging: {level: LOUD}\n");
        assertThatThrownBy(() -> StandaloneServer.load(file, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("logging.level");
        Files.writeString(file, "logs: {level: INFO}\n");
        assertThatThrownBy(() -> StandaloneServer.load(file, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown section 'logs'");
    }
}
