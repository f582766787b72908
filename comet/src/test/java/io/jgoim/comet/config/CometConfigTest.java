package io.jgoim.comet.config;

import io.jgoim.common.config.ConfigException;
import io.jgoim.common.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CometConfigTest {
    @Test
    void shouldLoadDocumentedDefaults() {
        CometConfig c = CometConfig.defaults();
        assertThat(c.tcp().port()).isEqualTo(3101);
        assertThat(c.webSocket().port()).isEqualTo(3102);
        assertThat(c.wss().port()).isEqualTo(3103);
        assertThat(c.rpc().port()).isEqualTo(3109);
        assertThat(c.webSocket().path()).isEqualTo("/sub");
        assertThat(c.protocol().handshakeTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(c.protocol().maxBodyBytes()).isEqualTo(4096);
        assertThat(c.online().reportInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.tls().selfSigned()).isTrue();
    }

    @Test
    void shouldApplyEnvOverFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("comet.yaml");
        Files.writeString(file, "node:\n  id: from-file\ntcp:\n  port: 4101\n");
        CometConfig c = CometConfig.load(file, Map.of("JGOIM_TCP_PORT", "5101",
                "JGOIM_PROTOCOL_LOGIC_TIMEOUT", "750ms"));
        assertThat(c.node().id()).isEqualTo("from-file");
        assertThat(c.tcp().port()).isEqualTo(5101);
        assertThat(c.protocol().logicTimeout()).isEqualTo(Duration.ofMillis(750));
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> CometConfig.load(null, Map.of("JGOIM_BUCKET_SIZE", "30")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bucket.size");
        assertThatThrownBy(() -> CometConfig.load(null, Map.of("JGOIM_PROTOCOL_HANDSHAKE_TIMEOUT", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("handshakeTimeout");
        assertThatThrownBy(() -> CometConfig.load(null, Map.of("JGOIM_TRANSPORT_TYPE", "kqueue")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("transport.type");
        assertThatThrownBy(() -> CometConfig.load(null, Map.of("JGOIM_OUTBOUND_LOW_WATER_MARK_BYTES", "999999")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("outbound.lowWaterMarkBytes");
        assertThatThrownBy(() -> CometConfig.load(null, Map.of("JGOIM_WEB_SOCKET_MAX_FRAME_BYTES", "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("webSocket.maxFrameBytes");
    }

    @Test
    void shouldRefuseUpgradesInACloseFrameByDefaultAndReadTheKey() {
        assertThat(CometConfig.defaults().webSocket().refusesInCloseFrame()).isTrue();
        assertThat(CometConfig.load(null, Map.of("JGOIM_WEB_SOCKET_REFUSAL", "http")).webSocket()
                .refusesInCloseFrame()).isFalse();
        assertThatThrownBy(() -> CometConfig.load(null, Map.of("JGOIM_WEB_SOCKET_REFUSAL", "close")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("webSocket.refusal");
    }

    @Test
    void shouldAllowOnlyLocalPagesByDefault() {
        CometConfig c = CometConfig.defaults();
        assertThat(c.webSocket().allowedOrigins())
                .containsExactly("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*");
        OriginAllowList origins = c.webSocket().originAllowList();
        assertThat(origins.allows("http://localhost:3111")).isTrue();
        assertThat(origins.allows("http://127.0.0.1:3111")).isTrue();
        assertThat(origins.allows("http://[::1]:3111")).isTrue();
        assertThat(origins.allows("https://app.example.com")).isFalse();
        assertThat(origins.allowsAny()).isFalse();
    }

    @Test
    void shouldReadAllowedOriginsFromFileAndEnv(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("comet.yaml");
        Files.writeString(file, "webSocket:\n  allowedOrigins:\n    - \"https://app.example.com\"\n"
                + "    - \"https://*.example.org\"\n");
        assertThat(CometConfig.load(file, Map.of()).webSocket().allowedOrigins())
                .containsExactly("https://app.example.com", "https://*.example.org");
        assertThat(CometConfig.load(file, Map.of("JGOIM_WEB_SOCKET_ALLOWED_ORIGINS", "*")).webSocket()
                .originAllowList().allowsAny()).isTrue();
        assertThat(CometConfig.load(null, Map.of("JGOIM_WEB_SOCKET_ALLOWED_ORIGINS", "")).webSocket()
                .allowedOrigins()).as("empty: native clients only").isEmpty();
    }

    @Test
    void shouldNameTheKeyOfABadOriginEntry(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> CometConfig.load(null,
                Map.of("JGOIM_WEB_SOCKET_ALLOWED_ORIGINS", "https://app.example.com,https://app.example.com/")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("webSocket.allowedOrigins[1]")
                .hasMessageContaining("https://app.example.com/");
        Path file = dir.resolve("comet.yaml");
        Files.writeString(file, "webSocket:\n  allowedOrigins: [\"app.example.com\"]\n");
        assertThatThrownBy(() -> CometConfig.load(file, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("webSocket.allowedOrigins[0]");
        Files.writeString(file, "webSocket:\n  allowedOrigins: [\"https://a.*.example.com:8080\"]\n");
        assertThatThrownBy(() -> CometConfig.load(file, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("webSocket.allowedOrigins[0]");
    }

    @Test
    void shouldRefuseUnknownKeyInFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("comet.yaml");
        Files.writeString(file, "tcp:\n  prot: 1\n");
        assertThatThrownBy(() -> CometConfig.load(file, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prot");
    }

    @Test
    void shouldShipAConfigsFileWithEveryDefaultKey() {
        Path shipped = Path.of("..", "configs", "comet.yaml");
        CometConfig fromFile = CometConfig.load(shipped, Map.of());
        assertThat(fromFile).isEqualTo(CometConfig.defaults());
        assertThat(ConfigLoader.envNames(CometConfig.DEFAULTS)).containsEntry("tcp.sendBufferBytes",
                "JGOIM_TCP_SEND_BUFFER_BYTES");
    }

    @Test
    void shouldRollRoomPassesIn256MemberChunksByDefaultAndRefuseANegativeChunk() {
        assertThat(CometConfig.defaults().fanout().rollingChunk()).isEqualTo(256);
        assertThat(CometConfig.load(null, Map.of("JGOIM_FANOUT_ROLLING_CHUNK", "0")).fanout().rollingChunk())
                .as("0: whole passes").isZero();
        assertThatThrownBy(() -> CometConfig.load(null, Map.of("JGOIM_FANOUT_ROLLING_CHUNK", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fanout.rollingChunk");
    }
}
