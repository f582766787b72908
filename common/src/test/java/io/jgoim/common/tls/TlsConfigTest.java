package io.jgoim.common.tls;

import io.jgoim.common.config.ConfigException;
import io.jgoim.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS records refuse, at config load, a section that is on but cannot work; off accepts anything. */
class TlsConfigTest {
    private final TestPki pki = TestPki.shared();
    private final String cert = pki.server().certFile().toString();
    private final String key = pki.server().keyFile().toString();
    private final String ca = pki.caFile().toString();

    @Test
    void shouldAcceptAnythingWhenOff() {
        assertThat(new TlsServerConfig(false, "/no/such", "", null, true).enabled()).isFalse();
        assertThat(new TlsClientConfig(false, "/no/such", "x", "", null).enabled()).isFalse();
        assertThat(TlsServerConfig.OFF.verifiesClients()).isFalse();
    }

    @Test
    void shouldNameTheMissingServerFile() {
        assertThatThrownBy(() -> new TlsServerConfig(true, "", key, "", false))
                .isInstanceOf(ConfigException.class).hasMessage("certFile is required when enabled is true");
        assertThatThrownBy(() -> new TlsServerConfig(true, cert, "/no/such/key.pem", "", false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("keyFile '/no/such/key.pem' is not a readable file");
        assertThatThrownBy(() -> new TlsServerConfig(true, cert, key, "", true))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("caFile is required when requireClientCert");
        assertThatThrownBy(() -> new TlsServerConfig(true, cert, key, "/no/ca.pem", false))
                .isInstanceOf(ConfigException.class).hasMessage("caFile '/no/ca.pem' is not a readable file");
    }

    @Test
    void shouldRefuseADirectoryAsAFile(@TempDir Path dir) {
        assertThatThrownBy(() -> new TlsServerConfig(true, dir.toString(), key, "", false))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("certFile '" + dir + "'");
    }

    @Test
    void shouldNameTheMissingClientFile() {
        assertThatThrownBy(() -> new TlsClientConfig(true, "/no/ca.pem", "", "", ""))
                .isInstanceOf(ConfigException.class).hasMessage("caFile '/no/ca.pem' is not a readable file");
        assertThatThrownBy(() -> new TlsClientConfig(true, ca, cert, "", ""))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("certFile and keyFile must be given together");
        assertThatThrownBy(() -> new TlsClientConfig(true, ca, "/no/c.pem", key, ""))
                .isInstanceOf(ConfigException.class).hasMessage("certFile '/no/c.pem' is not a readable file");
    }

    @Test
    void shouldAcceptReadableFiles() throws Exception {
        TlsServerConfig s = new TlsServerConfig(true, " " + cert + " ", key, ca, true);
        assertThat(s.certFile()).isEqualTo(cert);
        assertThat(s.verifiesClients()).isTrue();
        TlsClientConfig c = new TlsClientConfig(true, "", pki.client().certFile().toString(),
                pki.client().keyFile().toString(), TestPki.SERVICE_NAME);
        assertThat(c.hasClientCert()).isTrue();
        assertThat(Files.isReadable(Path.of(c.keyFile()))).isTrue();
    }
}
