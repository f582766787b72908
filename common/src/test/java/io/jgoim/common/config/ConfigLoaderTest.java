package io.jgoim.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private static final String DEFAULTS = "jgoim/sample-defaults.yaml";

    public record Sample(Node node, Tcp tcp) {
    }

    public record Node(String id, int weight) {
        public Node {
            Checks.nonNegative(weight, "node.weight");
        }
    }

    public record Tcp(int port, int sendBufferBytes, Duration timeout, List<String> addrs) {
        public Tcp {
            Checks.port(port, "tcp.port");
        }
    }

    @Test
    void shouldLoadEmbeddedDefaults() {
        Sample s = ConfigLoader.load(Sample.class, DEFAULTS, (Path) null, Map.of());
        assertThat(s.node().id()).isEqualTo("n1");
        assertThat(s.tcp().timeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(s.tcp().addrs()).containsExactly("a:1");
    }

    @Test
    void shouldLayerFileThenEnv(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "node:\n  id: from-file\ntcp:\n  port: 4000\n");
        Sample s = ConfigLoader.load(Sample.class, DEFAULTS, f,
                Map.of("JGOIM_TCP_PORT", "5000", "JGOIM_TCP_SEND_BUFFER_BYTES", "65536", "JGOIM_TCP_ADDRS", "x:1, y:2",
                        "JGOIM_UNRELATED", "ignored", "PATH", "/bin"));
        assertThat(s.node().id()).isEqualTo("from-file");
        assertThat(s.node().weight()).isEqualTo(10);
        assertThat(s.tcp().port()).isEqualTo(5000);
        assertThat(s.tcp().sendBufferBytes()).isEqualTo(65536);
        assertThat(s.tcp().addrs()).containsExactly("x:1", "y:2");
    }

    @Test
    void shouldNameUnknownKey(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "tcp:\n  prot: 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(Sample.class, DEFAULTS, f, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tcp.prot")
                .hasMessageContaining("did you mean 'port'?");
        Files.writeString(f, "tcp:\n  zzzzzzzz: 1\n");
        assertThatThrownBy(() -> ConfigLoader.load(Sample.class, DEFAULTS, f, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("unknown config key 'tcp.zzzzzzzz'");
    }

    @Test
    void shouldSuggestTheUnitOfABareDuration(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.yaml");
        Files.writeString(f, "tcp:\n  timeout: 30\n");
        assertThatThrownBy(() -> ConfigLoader.load(Sample.class, DEFAULTS, f, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tcp.timeout")
                .hasMessageContaining("a duration needs its unit, e.g. '30s'");
    }

    @Test
    void shouldNameKeyWithBadValue() {
        assertThatThrownBy(() -> ConfigLoader.load(Sample.class, DEFAULTS, (Path) null, Map.of("JGOIM_TCP_PORT", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tcp.port");
        assertThatThrownBy(() -> ConfigLoader.load(Sample.class, DEFAULTS, (Path) null,
                Map.of("JGOIM_TCP_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tcp.timeout");
    }

    @Test
    void shouldReportValidationFailureNamingKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Sample.class, DEFAULTS, (Path) null,
                Map.of("JGOIM_TCP_PORT", "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tcp.port");
    }

    @Test
    void shouldApplyOverrideSectionsInOrder(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, "comet:\n  tcp:\n    port: 7000\n");
        var file = ConfigLoader.readTree(f);
        var embedded = ConfigLoader.readResourceTree(DEFAULTS);
        embedded.with("node").put("id", "embedded");
        Sample s = ConfigLoader.load(Sample.class, DEFAULTS, List.of(embedded, ConfigLoader.section(file, "comet", "s")),
                Map.of());
        assertThat(s.node().id()).isEqualTo("embedded");
        assertThat(s.tcp().port()).isEqualTo(7000);
        assertThat(ConfigLoader.section(file, "job", "s").isEmpty()).isTrue();
    }

    @Test
    void shouldParseDurationsAndEnvNames() {
        assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigLoader.parseDuration("PT1S")).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> ConfigLoader.parseDuration("5 parsecs")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ConfigLoader.envName("tcp.sendBufferBytes")).isEqualTo("JGOIM_TCP_SEND_BUFFER_BYTES");
        assertThat(ConfigLoader.envNames(DEFAULTS)).containsEntry("node.id", "JGOIM_NODE_ID");
    }
}
