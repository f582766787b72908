package io.jgoim.server;

import io.jgoim.logic.JwtConfig;
import io.jgoim.logic.JwtKey;
import io.jgoim.logic.auth.Identity;
import io.jgoim.logic.auth.JwtAuthenticator;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code jgoim token} mints what logic accepts; the shipped cluster config refuses a keyless start in one line. */
class TokenCommandTest {
    private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=";

    private static String mint(Clock clock, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new TokenCommand(clock));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        assertThat(cl.execute(args)).isZero();
        return out.toString();
    }

    private static JwtAuthenticator logicWith(Path secretFile) {
        return new JwtAuthenticator(new JwtConfig(Duration.ofSeconds(5), "", "", true,
                List.of(new JwtKey("main", "HS256", "file:" + secretFile, null))));
    }

    @Test
    void shouldMintATokenLogicAccepts(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, SECRET + "\n");
        String out = mint(Clock.systemUTC(), "--secret-file", secret.toString(), "--mid", "123", "--key", "k-123",
                "--room", "live://1000", "--platform", "web", "--accepts", "1000,1001", "--ttl", "1h");
        assertThat(out).endsWith(System.lineSeparator()).doesNotContain(" ");
        String token = out.strip();

        Identity id = logicWith(secret).authenticate(token.getBytes(StandardCharsets.US_ASCII));
        assertThat(id.memberId()).isEqualTo(123);
        assertThat(id.key()).isEqualTo("k-123");
        assertThat(id.roomId()).isEqualTo("live://1000");
        assertThat(id.platform()).isEqualTo("web");
        assertThat(id.accepts()).containsExactly(1000, 1001);

        String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
        assertThat(header).contains("\"alg\":\"HS256\"").contains("\"kid\":\"main\"");
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        long iat = Long.parseLong(payload.replaceAll(".*\"iat\":(\\d+).*", "$1"));
        long exp = Long.parseLong(payload.replaceAll(".*\"exp\":(\\d+).*", "$1"));
        assertThat(exp - iat).isEqualTo(3600);
    }

    @Test
    void shouldMintTokensThatExpireAndThatOtherSecretsRefuse(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, SECRET);
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String old = mint(twoHoursAgo, "--secret-file", secret.toString(), "--mid", "1", "--ttl", "1h").strip();
        assertThatThrownBy(() -> logicWith(secret).authenticate(old.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(JgoimException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_EXPIRED));

        Path other = dir.resolve("other");
        Files.writeString(other, "another-secret-another-secret-another");
        String token = mint(Clock.systemUTC(), "--secret-file", secret.toString(), "--mid", "1").strip();
        assertThatThrownBy(() -> logicWith(other).authenticate(token.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(JgoimException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_BAD_SIGNATURE));
    }

    @Test
    void shouldRefuseAShortSecretFileAsAUsageError(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "short");
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new TokenCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("--secret-file", secret.toString(), "--mid", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--secret-file must be at least 32 bytes");
    }

    @Test
    void shouldRefuseToStartLogicFromTheClusterConfigWithoutASecret() {
        assumeTrue(System.getenv("JGOIM_TOKEN_SECRET") == null && System.getenv("JGOIM_AUTH_MODE") == null,
                "the test's environment must not supply the token secret");
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = JgoimMain.execute("logic", "--config", Path.of("..", "configs", "logic.yaml").toString());
        } finally {
            System.setErr(stderr);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("jgoim: bad config: auth.jwt.keys[main].secret: "
                + "set JGOIM_TOKEN_SECRET to a secret of 32+ bytes, or to file:<path> of a file holding one"
                + System.lineSeparator());
    }
}
