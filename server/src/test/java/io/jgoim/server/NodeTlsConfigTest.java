package io.jgoim.server;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.config.ConfigException;
import io.jgoim.common.tls.TlsClientConfig;
import io.jgoim.common.tls.TlsServerConfig;
import io.jgoim.job.JobConfig;
import io.jgoim.logic.LogicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every node-to-node TLS section of the three nodes: off by default, and a node with TLS on but a missing file
 * refuses to load its config with one line naming the section and the key.
 */
class NodeTlsConfigTest {
    private static Object load(String node, Map<String, String> env) {
        switch (node) {
            case "comet":
                return CometConfig.load(null, env);
            case "logic":
                return LogicConfig.load(null, env);
            default:
                return JobConfig.load(null, env);
        }
    }

    @Test
    void shouldBeOffByDefault() {
        CometConfig comet = CometConfig.load(null, Map.of());
        assertThat(comet.rpc().tls()).isEqualTo(TlsServerConfig.OFF);
        assertThat(comet.admin().tls()).isEqualTo(TlsServerConfig.OFF);
        assertThat(comet.logic().tls()).isEqualTo(TlsClientConfig.OFF);
        assertThat(LogicConfig.load(null, Map.of()).grpc().tls()).isEqualTo(TlsServerConfig.OFF);
        JobConfig job = JobConfig.load(null, Map.of());
        assertThat(job.comet().tls()).isEqualTo(TlsClientConfig.OFF);
        assertThat(job.metrics().tls()).isEqualTo(TlsServerConfig.OFF);
    }

    @ParameterizedTest
    @CsvSource({"comet, rpc.tls, JGOIM_RPC_TLS", "comet, admin.tls, JGOIM_ADMIN_TLS", "logic, grpc.tls, JGOIM_GRPC_TLS",
        "job, metrics.tls, JGOIM_METRICS_TLS"})
    void shouldRefuseAListenerWhoseCertificateFileIsMissing(String node, String section, String env) {
        assertThatThrownBy(() -> load(node, Map.of(env + "_ENABLED", "true", env + "_CERT_FILE", "/no/such/cert.pem",
                env + "_KEY_FILE", "/no/such/key.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key '" + section + "': certFile '/no/such/cert.pem' is not a readable file");
        assertThatThrownBy(() -> load(node, Map.of(env + "_ENABLED", "true")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key '" + section + "': certFile is required when enabled is true");
    }

    @ParameterizedTest
    @CsvSource({"comet, logic.tls, JGOIM_LOGIC_TLS", "job, comet.tls, JGOIM_COMET_TLS"})
    void shouldRefuseACallerWhoseCaFileIsMissing(String node, String section, String env) {
        assertThatThrownBy(() -> load(node, Map.of(env + "_ENABLED", "true", env + "_CA_FILE", "/no/such/ca.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config key '" + section + "': caFile '/no/such/ca.pem' is not a readable file");
    }
}
