package io.jgoim.common.tls;

import io.jgoim.common.config.ConfigException;
import io.jgoim.testkit.TestPki;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Contexts from PEM files: none when off, HTTP/2 ALPN for gRPC only, a file that does not parse names its section. */
class NodeSslContextsTest {
    private final TestPki pki = TestPki.shared();

    private TlsServerConfig server(boolean requireClientCert) {
        return new TlsServerConfig(true, pki.server().certFile().toString(), pki.server().keyFile().toString(),
                pki.caFile().toString(), requireClientCert);
    }

    @Test
    void shouldBuildNothingWhenOff() {
        assertThat(NodeSslContexts.grpcServer(TlsServerConfig.OFF, "rpc.tls")).isNull();
        assertThat(NodeSslContexts.httpServer(TlsServerConfig.OFF, "admin.tls")).isNull();
        assertThat(NodeSslContexts.grpcClient(TlsClientConfig.OFF, "logic.tls")).isNull();
        assertThat(GrpcChannelTls.of(TlsClientConfig.OFF, "logic.tls").enabled()).isFalse();
    }

    @Test
    void shouldNegotiateHttp2ForGrpcAndNothingForTheAdminPort() {
        SslContext grpc = NodeSslContexts.grpcServer(server(true), "rpc.tls");
        assertThat(grpc.isServer()).isTrue();
        assertThat(grpc.applicationProtocolNegotiator().protocols()).containsExactly("h2");
        SslContext client = NodeSslContexts.grpcClient(new TlsClientConfig(true, pki.caFile().toString(),
                pki.client().certFile().toString(), pki.client().keyFile().toString(), ""), "logic.tls");
        assertThat(client.isClient()).isTrue();
        assertThat(client.applicationProtocolNegotiator().protocols()).containsExactly("h2");
        SslContext http = NodeSslContexts.httpServer(server(false), "admin.tls");
        assertThat(http.isServer()).isTrue();
        assertThat(http.applicationProtocolNegotiator().protocols()).isEmpty();
    }

    @Test
    void shouldNameTheSectionWhenAFileDoesNotParse(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
        TlsServerConfig bad = new TlsServerConfig(true, garbage.toString(), pki.server().keyFile().toString(), "",
                false);
        assertThatThrownBy(() -> NodeSslContexts.grpcServer(bad, "rpc.tls")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rpc.tls: cannot use the certificate, key or CA files");
        // A key where the CA certificate belongs: the same one-line refusal, naming the client section.
        TlsClientConfig badCa = new TlsClientConfig(true, pki.server().keyFile().toString(), "", "", "");
        assertThatThrownBy(() -> GrpcChannelTls.of(badCa, "comet.tls")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("comet.tls: cannot use the certificate, key or CA files");
    }
}
