package io.jgoim.comet;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.common.tls.GrpcChannelTls;
import io.jgoim.common.tls.TlsClientConfig;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.GrpcCometClient;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.testkit.TestPki;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A comet with {@code rpc.tls} (mutual) and {@code admin.tls} on real sockets: job's PushMsg over TLS reaches a
 * session, a caller without a client certificate is refused with UNAVAILABLE, and the admin port answers https only.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class CometNodeTlsIT {
    private final TestPki pki = TestPki.shared();

    private CometServer start(LogicTwin logic) {
        Map<String, String> env = new HashMap<>(Map.of("JGOIM_WSS_ENABLED", "false", "JGOIM_TCP_TLS_ENABLED", "false",
                "JGOIM_RPC_TLS_ENABLED", "true", "JGOIM_ADMIN_TLS_ENABLED", "true"));
        for (String section : new String[] {"RPC", "ADMIN"}) {
            env.put("JGOIM_" + section + "_TLS_CERT_FILE", pki.server().certFile().toString());
            env.put("JGOIM_" + section + "_TLS_KEY_FILE", pki.server().keyFile().toString());
        }
        env.put("JGOIM_RPC_TLS_CA_FILE", pki.caFile().toString());
        env.put("JGOIM_RPC_TLS_REQUIRE_CLIENT_CERT", "true");
        CometServer c = new CometServer(TestConfigs.ephemeral(env), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        c.start();
        return c;
    }

    private static ManagedChannel channel(CometServer comet, TlsClientConfig tls) {
        return GrpcChannelTls.of(tls, "comet.tls")
                .apply(NettyChannelBuilder.forTarget("127.0.0.1:" + comet.rpcAddress().getPort())).build();
    }

    private static PushMsgReq push(String key, String body) {
        Proto raw = Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(
                TestClient.frame(1, 1000, 0, body.getBytes(StandardCharsets.UTF_8)))).build();
        return PushMsgReq.newBuilder().addKeys(key).setProtoOp(1000).setProto(raw).build();
    }

    @Test
    void shouldTakeJobsPushOverMutualTlsAndRefuseACallerWithoutCertificate() throws Exception {
        try (LogicTwin logic = LogicTwin.create().heartbeatSeconds(0)) {
            CometServer comet = start(logic);
            ManagedChannel mutual = channel(comet, new TlsClientConfig(true, pki.caFile().toString(),
                    pki.client().certFile().toString(), pki.client().keyFile().toString(), ""));
            ManagedChannel anonymous = channel(comet, new TlsClientConfig(true, pki.caFile().toString(), "", "", ""));
            try (TestClient session = TestClient.connect(Mode.TCP, comet)) {
                session.auth(1, CometSessionIT.token(5, "tls-key", ""));
                assertThat(TestClient.op(session.next(3000))).isEqualTo(Op.AUTH_REPLY);

                PushMsgReply reply = new GrpcCometClient(mutual, Duration.ofSeconds(20))
                        .pushMsg(push("tls-key", "over-tls")).get(30, TimeUnit.SECONDS);
                assertThat(reply.getDelivered()).isEqualTo(1);
                assertThat(TestClient.body(session.next(3000))).isEqualTo("over-tls");

                Throwable refused = catchThrowable(() -> new GrpcCometClient(anonymous, Duration.ofSeconds(20))
                        .pushMsg(push("tls-key", "no-cert")).get(30, TimeUnit.SECONDS));
                assertThat(refused).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(JgoimException.class);
                assertThat(((JgoimException) refused.getCause()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(Status.fromThrowable(refused).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            } finally {
                mutual.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                anonymous.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                comet.close();
            }
        }
    }

    @Test
    void shouldServeAdminOverHttpsOnly() throws Exception {
        try (LogicTwin logic = LogicTwin.create().heartbeatSeconds(0)) {
            CometServer comet = start(logic);
            try {
                String at = "://127.0.0.1:" + comet.adminAddress().getPort() + "/metrics";
                HttpClient https = HttpClient.newBuilder().sslContext(pki.jdkContext(pki.caFile(), null))
                        .version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create("https" + at))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("jgoim_comet_rooms");
                HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http" + at))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()))
                        .isInstanceOf(IOException.class);
            } finally {
                comet.close();
            }
        }
    }
}
