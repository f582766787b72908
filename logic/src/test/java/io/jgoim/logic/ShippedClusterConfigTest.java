package io.jgoim.logic;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.google.protobuf.ByteString;
import io.jgoim.common.config.ConfigException;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** configs/logic.yaml (the cluster file): goim tokens are refused (no impersonation) and a keyless start too. */
class ShippedClusterConfigTest {
    private static final Path SHIPPED = Path.of("..", "configs", "logic.yaml");
    private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=";
    private static final Map<String, String> NO_LISTENERS = Map.of("JGOIM_HTTP_ENABLED", "false",
            "JGOIM_GRPC_ENABLED", "false");

    private final InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));

    private LogicServer logic(Map<String, String> env) {
        return new LogicServer(LogicConfig.load(SHIPPED, env), directory, new InMemoryPushPublisher(),
                new InMemoryNodeRegistry(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    private static Map<String, String> env(String secretValue) {
        return Map.of("JGOIM_HTTP_ENABLED", "false", "JGOIM_GRPC_ENABLED", "false", "JGOIM_TOKEN_SECRET", secretValue);
    }

    private static ConnectReply connect(LogicServer logic, String token) {
        return logic.service().connect(ConnectReq.newBuilder().setServer("c1").setRemoteAddr("/203.0.113.7:4000")
                .setToken(ByteString.copyFromUtf8(token)).build()).join();
    }

    private static String jwt(String secret, long mid, String key) {
        return JWT.create().withKeyId("main").withClaim("mid", mid).withClaim("key", key)
                .withClaim("room_id", "live://1000").withExpiresAt(Instant.now().plusSeconds(60))
                .sign(Algorithm.HMAC256(secret));
    }

    @Test
    void shouldRefuseGoimTokenAndAcceptSignedOneWithTheSecretFromEnv() {
        try (LogicServer logic = logic(env(SECRET))) {
            logic.start();
            ConnectReply forged = connect(logic, "{\"mid\":1,\"key\":\"victim\",\"room_id\":\"live://1000\"}");
            assertThat(forged.getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
            assertThat(directory.serversByKeys(List.of("victim")).join()).isEmpty();

            ConnectReply ok = connect(logic, jwt(SECRET, 123, "k123"));
            assertThat(ok.getErrorCode()).isZero();
            assertThat(ok.getMid()).isEqualTo(123);
            assertThat(ok.getKey()).isEqualTo("k123");
            assertThat(ok.getRoomId()).isEqualTo("live://1000");

            String otherSecret = "another-secret-another-secret-another";
            assertThat(connect(logic, jwt(otherSecret, 1, "victim")).getErrorCode())
                    .isEqualTo(ErrorCode.TOKEN_BAD_SIGNATURE.code());
        }
    }

    @Test
    void shouldReadTheSecretFromTheFileTheEnvNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, SECRET + "\n");
        try (LogicServer logic = logic(env("file:" + file))) {
            logic.start();
            assertThat(connect(logic, jwt(SECRET, 7, "k7")).getMid()).isEqualTo(7);
        }
    }

    @Test
    void shouldRefuseToLoadWithoutTheSecretInOneLineNamingWhatToSet() {
        assertThatThrownBy(() -> LogicConfig.load(SHIPPED, NO_LISTENERS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("auth.jwt.keys[main].secret: set JGOIM_TOKEN_SECRET to a secret of 32+ bytes, "
                        + "or to file:<path> of a file holding one")
                .hasNoCause();
        assertThatThrownBy(() -> LogicConfig.load(SHIPPED, env("too-short")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.jwt.keys[main].secret (from JGOIM_TOKEN_SECRET) must be at least "
                        + "32 bytes")
                .hasMessageNotContaining("too-short")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> LogicConfig.load(SHIPPED, env("file:/nonexistent/jgoim-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read /nonexistent/jgoim-secret");
    }

    @Test
    void shouldLoadWithGoimTokensWhenScriptsAskForThem() {
        LogicConfig c = LogicConfig.load(SHIPPED, Map.of("JGOIM_AUTH_MODE", "goim"));
        assertThat(c.auth().mode()).isEqualTo("goim");
    }

    @Test
    void shouldNeverPrintTheResolvedSecret() {
        LogicConfig c = LogicConfig.load(SHIPPED, env(SECRET));
        assertThat(c.toString()).doesNotContain(SECRET);
    }
}
