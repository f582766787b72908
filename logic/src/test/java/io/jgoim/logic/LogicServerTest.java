package io.jgoim.logic;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.protobuf.ByteString;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The standalone shape: no listeners, direct calls; and the lifecycle rules. */
class LogicServerTest {
    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));

    private LogicServer server(Map<String, String> env) {
        return new LogicServer(LogicConfig.load(null, env), directory, new InMemoryPushPublisher(),
                new InMemoryNodeRegistry(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    @Test
    void shouldServeDirectCallsWithoutListeners() {
        try (LogicServer logic = server(Map.of("JGOIM_HTTP_ENABLED", "false", "JGOIM_GRPC_ENABLED", "false"))) {
            logic.start();
            assertThat(logic.boundAddresses()).isEmpty();
            assertThat(logic.httpAddress()).isNull();
            assertThat(logic.service().connect(ConnectReq.newBuilder().setServer("c1")
                    .setToken(ByteString.copyFromUtf8("{\"mid\":1,\"key\":\"k\"}")).build()).join().getKey())
                    .isEqualTo("k");
            assertThat(directory.serversByKeys(List.of("k")).join()).isEqualTo(Map.of("k", "c1"));
            assertThatThrownBy(logic::start).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void shouldAuthenticateWithJwtWhenConfigured(@TempDir Path dir) throws Exception {
        String secret = "0123456789abcdef0123456789abcdef";
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, "http:\n  enabled: false\ngrpc:\n  enabled: false\nauth:\n  mode: jwt\n  jwt:\n"
                + "    issuer: jgoim-test\n    keys:\n      - kid: k1\n        alg: HS256\n        secret: \"" + secret
                + "\"\n");
        try (LogicServer logic = new LogicServer(LogicConfig.load(file, Map.of()), directory,
                new InMemoryPushPublisher(), new InMemoryNodeRegistry(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            logic.start();
            String ok = JWT.create().withKeyId("k1").withIssuer("jgoim-test").withClaim("mid", 8L)
                    .withClaim("key", "jk").withExpiresAt(Instant.now().plusSeconds(60))
                    .sign(Algorithm.HMAC256(secret));
            String expired = JWT.create().withKeyId("k1").withIssuer("jgoim-test").withClaim("mid", 8L)
                    .withExpiresAt(Instant.now().minusSeconds(600)).sign(Algorithm.HMAC256(secret));
            assertThat(connect(logic, ok).getKey()).isEqualTo("jk");
            assertThat(connect(logic, expired).getErrorCode()).isEqualTo(ErrorCode.TOKEN_EXPIRED.code());
            // goim's unsigned JSON is not a JWT: refused in jwt mode.
            assertThat(connect(logic, "{\"mid\":8}").getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        }
    }

    private static ConnectReply connect(LogicServer logic, String token) {
        return logic.service().connect(ConnectReq.newBuilder().setServer("c1")
                .setToken(ByteString.copyFromUtf8(token)).build()).join();
    }

    @Test
    void shouldBindPortZeroAndCloseIdempotently() {
        LogicServer logic = server(Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_PORT", "0"));
        logic.start();
        assertThat(logic.boundAddresses()).hasSize(2);
        assertThat(logic.httpAddress().getPort()).isPositive();
        assertThat(logic.grpcAddress().getPort()).isPositive();
        logic.close();
        logic.close();
    }

    @Test
    void shouldFailStartWhenPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            LogicServer logic = server(Map.of("JGOIM_HTTP_PORT", Integer.toString(taken.getLocalPort()),
                    "JGOIM_GRPC_ENABLED", "false"));
            assertThatThrownBy(logic::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot bind logic HTTP");
            logic.close();
        }
    }
}
