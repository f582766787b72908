package io.jgoim.common.metrics;

import io.jgoim.common.health.HealthConfig;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.tls.NodeSslContexts;
import io.jgoim.common.tls.TlsServerConfig;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.testkit.TestPki;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin port over TLS on a real socket: https works, plaintext and untrusted peers get no answer. */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class MetricsHttpServerTlsIT {
    private final TestPki pki = TestPki.shared();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private MetricsHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private InetSocketAddress start(boolean requireClientCert) {
        TlsServerConfig tls = new TlsServerConfig(true, pki.server().certFile().toString(),
                pki.server().keyFile().toString(), requireClientCert ? pki.caFile().toString() : "",
                requireClientCert);
        registry.counter("jgoim_tls_probe").increment();
        NodeHealth health = new NodeHealth("tls-it", new HealthConfig(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Map.of()), null);
        server = new MetricsHttpServer(registry, health, NodeSslContexts.httpServer(tls, "admin.tls"));
        return server.start(group, NioServerSocketChannel.class, "127.0.0.1", 0);
    }

    private static HttpResponse<String> get(SSLContext ssl, String scheme, InetSocketAddress at, String path)
            throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (ssl != null) {
            b.sslContext(ssl);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + at.getPort() + path))
                .timeout(Duration.ofSeconds(20)).build();
        return b.build().send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeMetricsOverHttpsAndAnswerNothingToPlaintext() throws Exception {
        InetSocketAddress at = start(false);
        HttpResponse<String> metrics = get(pki.jdkContext(pki.caFile(), null), "https", at, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jgoim_tls_probe_total 1.0");
        assertThat(get(pki.jdkContext(pki.caFile(), null), "https", at, "/health").body())
                .startsWith("{\"node\":\"tls-it\",\"status\":\"ready\"");

        assertThatThrownBy(() -> get(null, "http", at, "/metrics")).isInstanceOf(IOException.class);
        // A scraper trusting another CA refuses the node's certificate.
        assertThatThrownBy(() -> get(pki.jdkContext(pki.stranger().certFile(), null), "https", at, "/metrics"))
                .isInstanceOf(SSLHandshakeException.class);
        // The node still answers afterwards: a failed handshake closes that connection only.
        assertThat(get(pki.jdkContext(pki.caFile(), null), "https", at, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRequireAClientCertificateFromTheCaWhenMutual() throws Exception {
        InetSocketAddress at = start(true);
        assertThatThrownBy(() -> get(pki.jdkContext(pki.caFile(), null), "https", at, "/metrics"))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(pki.jdkContext(pki.caFile(), pki.stranger()), "https", at, "/metrics"))
                .isInstanceOf(IOException.class);
        HttpResponse<String> ok = get(pki.jdkContext(pki.caFile(), pki.client()), "https", at, "/metrics");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("jgoim_tls_probe_total 1.0");
    }
}
