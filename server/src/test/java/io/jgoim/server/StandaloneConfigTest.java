package io.jgoim.server;

import io.jgoim.logic.NodesConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Standalone's node list advertises the ports its comet really serves. */
class StandaloneConfigTest {
    @Test
    void shouldAdvertiseNoWssPortWhileWssIsOff() {
        NodesConfig nodes = StandaloneServer.configs(null, Map.of()).logic().nodes();
        assertThat(nodes.tcpPort()).isEqualTo(3101);
        assertThat(nodes.wsPort()).isEqualTo(3102);
        assertThat(nodes.wssPort()).isZero();
    }

    @Test
    void shouldAdvertiseTheCometsOwnPorts(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("s.yaml");
        Files.writeString(cfg, "comet:\n  tcp: {port: 4101}\n  wss: {enabled: true, port: 4103}\n");
        NodesConfig nodes = StandaloneServer.configs(cfg, Map.of()).logic().nodes();
        assertThat(nodes.tcpPort()).isEqualTo(4101);
        assertThat(nodes.wssPort()).isEqualTo(4103);
    }

    @Test
    void shouldLetTheOperatorsNodeSettingsAndEnvWin(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("s.yaml");
        Files.writeString(cfg, "logic:\n  nodes: {wssPort: 443}\n");
        assertThat(StandaloneServer.configs(cfg, Map.of()).logic().nodes().wssPort()).isEqualTo(443);
        assertThat(StandaloneServer.configs(null, Map.of("JGOIM_NODES_WS_PORT", "80")).logic().nodes().wsPort())
                .isEqualTo(80);
    }
}
