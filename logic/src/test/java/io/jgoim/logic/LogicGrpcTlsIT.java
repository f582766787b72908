package io.jgoim.logic;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.common.tls.GrpcChannelTls;
import io.jgoim.common.tls.TlsClientConfig;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.testkit.TestPki;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The comet → logic link over TLS on real sockets: logic's {@code grpc.tls}, and the comet side's channel as
 * {@code logic.tls} builds it ({@link GrpcChannelTls}). A Connect round trip over TLS and mutual TLS; untrusted
 * certificates, a plaintext caller and a wrong server name fail the call with UNAVAILABLE (what the comet turns into
 * LOGIC_UNAVAILABLE), not a hang: every call has a deadline longer than a handshake, and DEADLINE_EXCEEDED fails the
 * assertion.
 */
@Timeout(60)
class LogicGrpcTlsIT {
    private final TestPki pki = TestPki.shared();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private LogicServer logic;

    @AfterEach
    void stop() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (logic != null) {
            logic.close();
        }
    }

    private void startLogic(boolean requireClientCert) {
        Map<String, String> env = new HashMap<>(Map.of("JGOIM_HTTP_ENABLED", "false", "JGOIM_GRPC_PORT", "0",
                "JGOIM_GRPC_TLS_ENABLED", "true",
                "JGOIM_GRPC_TLS_CERT_FILE", pki.server().certFile().toString(),
                "JGOIM_GRPC_TLS_KEY_FILE", pki.server().keyFile().toString()));
        if (requireClientCert) {
            env.put("JGOIM_GRPC_TLS_CA_FILE", pki.caFile().toString());
            env.put("JGOIM_GRPC_TLS_REQUIRE_CLIENT_CERT", "true");
        }
        logic = new LogicServer(LogicConfig.load(null, env), new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new InMemoryPushPublisher(), new InMemoryNodeRegistry(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        logic.start();
    }

    private GrpcLogicClient client(TlsClientConfig tls) {
        ManagedChannel channel = GrpcChannelTls.of(tls, "logic.tls")
                .apply(NettyChannelBuilder.forTarget("127.0.0.1:" + logic.grpcAddress().getPort())).build();
        channels.add(channel);
        return new GrpcLogicClient(channel, Duration.ofSeconds(20));
    }

    private static TlsClientConfig trusting(Path ca, TestPki.Issued cert, String serverName) {
        return new TlsClientConfig(true, ca.toString(), cert == null ? "" : cert.certFile().toString(),
                cert == null ? "" : cert.keyFile().toString(), serverName);
    }

    private static ConnectReply connect(GrpcLogicClient client, String key) throws Exception {
        return client.connect(ConnectReq.newBuilder().setServer("comet-1")
                .setToken(ByteString.copyFromUtf8("{\"mid\":7,\"key\":\"" + key + "\"}")).build())
                .get(30, TimeUnit.SECONDS);
    }

    /** Asserts the call failed as the comet sees it (UNAVAILABLE) and with gRPC status UNAVAILABLE. */
    private static void assertRefused(GrpcLogicClient client) {
        Throwable t = catchThrowable(() -> connect(client, "refused"));
        assertThat(t).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(JgoimException.class);
        assertThat(((JgoimException) t.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(Status.fromThrowable(t).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void shouldConnectOverTlsWhenTheCometTrustsLogicsCa() throws Exception {
        startLogic(false);
        assertThat(connect(client(trusting(pki.caFile(), null, "")), "tls-key").getKey()).isEqualTo("tls-key");
        // A comet with a client certificate is served too when logic does not ask for one.
        assertThat(connect(client(trusting(pki.caFile(), pki.client(), "")), "with-cert").getKey())
                .isEqualTo("with-cert");
    }

    @Test
    void shouldRefuseACometTrustingAnotherCaOrTalkingPlaintext() throws Exception {
        startLogic(false);
        assertRefused(client(trusting(pki.stranger().certFile(), null, "")));
        assertRefused(client(TlsClientConfig.OFF));
        // Refusals touch only their own connections: a trusting comet still gets through.
        assertThat(connect(client(trusting(pki.caFile(), null, "")), "after").getKey()).isEqualTo("after");
    }

    @Test
    void shouldCheckServerNameInsteadOfTheDialledHostWhenSet() throws Exception {
        startLogic(false);
        assertThat(connect(client(trusting(pki.caFile(), null, TestPki.SERVICE_NAME)), "named").getKey())
                .isEqualTo("named");
        assertRefused(client(trusting(pki.caFile(), null, "other.jgoim.test")));
    }

    @Test
    void shouldRequireACometCertificateFromTheCaWhenMutual() throws Exception {
        startLogic(true);
        assertRefused(client(trusting(pki.caFile(), null, "")));
        assertRefused(client(trusting(pki.caFile(), pki.stranger(), "")));
        assertThat(connect(client(trusting(pki.caFile(), pki.client(), "")), "mutual").getKey())
                .isEqualTo("mutual");
    }
}
