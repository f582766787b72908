package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.common.tls.NodeSslContexts;
import io.jgoim.common.tls.TlsServerConfig;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.CometGrpcService;
import io.jgoim.testkit.TestPki;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Job's channels to comets with {@code comet.tls}: a comet found in the node registry by IP and serving mutual TLS
 * (as a comet's {@code rpc.tls} does) gets job's pushes when job presents a certificate from the CA and checks the
 * comets' shared service name; a job without a client certificate has every push refused (UNAVAILABLE). And job's
 * own admin port with {@code metrics.tls}.
 */
@Timeout(90)
class JobCometTlsIT {
    private final TestPki pki = TestPki.shared();
    private final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
    private final List<JobServer> jobs = new ArrayList<>();
    private Server comet;

    @AfterEach
    void stop() throws InterruptedException {
        jobs.forEach(JobServer::close);
        if (comet != null) {
            comet.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private RecordingCometService serveMutualTls() throws Exception {
        RecordingCometService twin = new RecordingCometService("t1");
        TlsServerConfig tls = new TlsServerConfig(true, pki.server().certFile().toString(),
                pki.server().keyFile().toString(), pki.caFile().toString(), true);
        comet = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(NodeSslContexts.grpcServer(tls, "rpc.tls"))
                .addService(new CometGrpcService(twin)).build().start();
        nodes.register(new NodeInfo("t1", "", 1, List.of(), List.of(), List.of(), "127.0.0.1:" + comet.getPort(), 0,
                false, System.currentTimeMillis()), Duration.ofMinutes(1)).join();
        return twin;
    }

    private JobServer job(PrometheusMeterRegistry meters, boolean withCert) {
        List<String> env = new ArrayList<>(List.of("JGOIM_COMET_REGISTRY_REFRESH", "100ms",
                "JGOIM_BATCH_WINDOW", "2ms", "JGOIM_COMET_TLS_ENABLED", "true",
                "JGOIM_COMET_TLS_CA_FILE", pki.caFile().toString(),
                "JGOIM_COMET_TLS_SERVER_NAME", TestPki.SERVICE_NAME));
        if (withCert) {
            env.addAll(List.of("JGOIM_COMET_TLS_CERT_FILE", pki.client().certFile().toString(),
                    "JGOIM_COMET_TLS_KEY_FILE", pki.client().keyFile().toString()));
        }
        JobServer job = new JobServer(TestConfigs.config(env.toArray(new String[0])), nodes,
                new InMemorySessionDirectory(Duration.ofMinutes(1)), meters);
        jobs.add(job);
        job.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> job.comets().comets().size() == 1);
        return job;
    }

    private static PushMsg toKey(String key, String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(1001).setServer("t1").addKeys(key)
                .setMsg(ByteString.copyFromUtf8(body)).build();
    }

    @Test
    void shouldPushToACometOverMutualTls() throws Exception {
        RecordingCometService twin = serveMutualTls();
        JobServer job = job(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
        job.pushBus().publish("k", toKey("k", "over-tls")).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> twin.frameCount() == 1);
        assertThat(twin.keyBodies("k")).containsExactly("over-tls");
    }

    @Test
    void shouldHaveEveryPushRefusedWithoutAClientCertificate() throws Exception {
        RecordingCometService twin = serveMutualTls();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JobServer job = job(meters, false);
        job.pushBus().publish("k", toKey("k", "refused")).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Counter c = meters.find("jgoim.job.push.failures")
                    .tags("comet", "t1", "type", "push", "code", "UNAVAILABLE").counter();
            return c != null && c.count() == 1.0;
        });
        assertThat(twin.frameCount()).isZero();
    }

    @Test
    void shouldServeMetricsOverHttpsWhenMetricsTlsIsOn() throws Exception {
        JobServer job = new JobServer(TestConfigs.config("JGOIM_METRICS_ENABLED", "true", "JGOIM_METRICS_PORT", "0",
                "JGOIM_METRICS_TLS_ENABLED", "true", "JGOIM_METRICS_TLS_CERT_FILE", pki.server().certFile().toString(),
                "JGOIM_METRICS_TLS_KEY_FILE", pki.server().keyFile().toString()), nodes,
                new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        jobs.add(job);
        job.start();
        String at = "://127.0.0.1:" + job.metricsAddress().getPort() + "/health";
        HttpClient https = HttpClient.newBuilder().sslContext(pki.jdkContext(pki.caFile(), null))
                .version(HttpClient.Version.HTTP_1_1).build();
        assertThat(https.send(HttpRequest.newBuilder(URI.create("https" + at)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString()).body()).contains("\"dependencies\":{\"comets\":");
        HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http" + at))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
