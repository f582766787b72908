package io.jgoim.logic;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogicConfigTest {
    @Test
    void shouldLoadEmbeddedDefaults() {
        LogicConfig c = LogicConfig.load(null, Map.of());
        assertThat(c.http().port()).isEqualTo(3111);
        assertThat(c.grpc().port()).isEqualTo(3119);
        assertThat(c.auth().mode()).isEqualTo("goim");
        assertThat(c.kafka().topic()).isEqualTo("goim-push-topic");
        assertThat(c.online().aggregateInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.redis().commandTimeout()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void shouldShipConfigFileEqualToDefaultsExceptSignedTokens() {
        // The cluster file differs from the embedded defaults only in auth (issue 14): it requires signed tokens.
        Path shipped = Path.of("..", "configs", "logic.yaml");
        LogicConfig defaults = LogicConfig.load(null, Map.of());
        LogicConfig file = LogicConfig.load(shipped, Map.of("JGOIM_TOKEN_SECRET", "0123456789abcdef0123456789abcdef"));
        assertThat(file.auth().mode()).isEqualTo("jwt");
        assertThat(new LogicConfig(file.node(), file.http(), file.grpc(), defaults.auth(), file.redis(), file.kafka(),
                file.online(), file.nodes(), file.history(), file.health(), file.logging(),
                file.tracing(), file.overload(), file.upstream(), file.tenants())).isEqualTo(defaults);
        assertThat(LogicConfig.load(shipped, Map.of("JGOIM_AUTH_MODE", "goim")).auth().mode()).isEqualTo("goim");
    }

    @Test
    void shouldApplyFileThenEnv(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, "http:\n  port: 4000\nkafka:\n  sendTimeout: 2s\n"
                + "auth:\n  mode: jwt\n  jwt:\n    keys:\n      - kid: k1\n        alg: HS256\n"
                + "        secret: \"0123456789abcdef0123456789abcdef\"\n");
        LogicConfig c = LogicConfig.load(file, Map.of("JGOIM_HTTP_PORT", "4001",
                "JGOIM_REDIS_URIS", "redis://a:1,redis://b:2", "JGOIM_GRPC_ENABLED", "false"));
        assertThat(c.http().port()).isEqualTo(4001);
        assertThat(c.kafka().sendTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.redis().uris()).isEqualTo(List.of("redis://a:1", "redis://b:2"));
        assertThat(c.grpc().enabled()).isFalse();
        assertThat(c.auth().jwt().keys()).hasSize(1);
        assertThat(c.auth().jwt().keys().get(0).toString()).doesNotContain("0123456789");
    }

    @Test
    void shouldRefuseUnknownAuthMode() {
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_AUTH_MODE", "ldap")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.mode");
    }

    @Test
    void shouldRefuseJwtModeWithoutKeys() {
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_AUTH_MODE", "jwt")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("auth.jwt.keys");
    }

    @Test
    void shouldRefuseShortHmacSecret(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file,
                "auth:\n  jwt:\n    keys:\n      - kid: k1\n        alg: HS256\n        secret: short\n");
        assertThatThrownBy(() -> LogicConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("secret");
    }

    @Test
    void shouldRefuseUnknownKeyAndBadValues(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, "http:\n  prot: 1\n");
        assertThatThrownBy(() -> LogicConfig.load(file, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_HTTP_PORT", "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_KAFKA_SEND_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.sendTimeout");
        assertThatThrownBy(() -> LogicConfig.load(null, Map.of("JGOIM_NODES_REGIONS", "10.0.")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nodes.regions");
    }
}
