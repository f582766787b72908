package io.jgoim.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user sees from the command line when something is off: help that says what to type, one clear line
 * (no stack trace) when a node cannot start, a client that retries its first connect, a warning for a mistyped
 * {@code JGOIM_*} name.
 */
class CommandLineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream oldOut;
    private PrintStream oldErr;

    @BeforeEach
    void capture() {
        oldOut = System.out;
        oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpShouldShowWholeLinesAndTheCommandAsTyped() {
        assertThat(JgoimMain.execute("--help")).isZero();
        assertThat(out()).contains("standalone  Run comet, logic and job in one JVM: no Redis, no Kafka, no")
                .contains("config needed.");
        out.reset();
        assertThat(JgoimMain.execute("loadtest", "--help")).isZero();
        assertThat(out()).startsWith("Usage: jgoim loadtest ");
        out.reset();
        JgoimMain.execute("loadtest", "connect", "--help");
        assertThat(out()).startsWith("Usage: jgoim loadtest connect ");
        out.reset();
        assertThat(JgoimMain.execute("client", "--help")).isZero();
        assertThat(out()).contains("tcp, tls (TCP over TLS), ws or wss");
    }

    @Test
    @Timeout(60)
    void aPortInUseShouldFailInOneLineWithoutAStackTrace(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path cfg = dir.resolve("standalone.yaml");
            Files.writeString(cfg, String.join("\n",
                    "comet:",
                    "  tcp: {bind: 127.0.0.1, port: " + taken.getLocalPort() + "}",
                    "  webSocket: {port: 0}",
                    "logic:",
                    "  http: {port: 0}",
                    ""));
            assertThat(JgoimMain.execute("standalone", "--config", cfg.toString())).isEqualTo(1);
        }
        assertThat(err()).contains("jgoim standalone: cannot bind 127.0.0.1:")
                .contains("another process holds that port")
                .contains("(set JGOIM_DEBUG=1 for the stack trace)")
                .doesNotContain("\tat ");
    }

    @Test
    @Timeout(60)
    void theClientShouldRetryItsFirstConnectThenSayItGaveUp() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        assertThat(JgoimMain.execute("client", "--port", String.valueOf(dead), "--connect-attempts", "2")).isEqualTo(1);
        assertThat(out().lines().filter(l -> l.contains("connect failed: code=1006"))).hasSize(2);
        assertThat(out()).contains("; retrying in ").contains("; giving up").doesNotContain("\tat ");
        assertThat(err()).doesNotContain("\tat ");
    }

    @Test
    void aMistypedEnvNameShouldBeNamedWithTheNearestKnownOne(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("logic.yaml");
        Files.writeString(cfg, "auth:\n  jwt:\n    keys:\n      - {id: k, secret: \"env:JGOIM_MY_SECRET\"}\n");
        assertThat(EnvCheck.warnings(Map.of(
                "JGOIM_TCP_PROT", "5",            // a typo
                "JGOIM_TCP_PORT", "3101",         // a comet key
                "JGOIM_KAFKA_BOOTSTRAP_SERVERS", "k:9092", // a logic/job key: fine on a comet's host too
                "JGOIM_JAVA_OPTS", "-Xmx1g",      // the launcher's
                "JGOIM_MY_SECRET", "s3cret",      // a secret the file points at
                "JGOIM_QQQQQQQQQQQQQQQQQQ", "1",  // nothing near
                "PATH", "/bin"), cfg))
                .containsExactly(
                        "environment variable JGOIM_QQQQQQQQQQQQQQQQQQ names no config key of any jgoim node and is"
                                + " ignored",
                        "environment variable JGOIM_TCP_PROT names no config key of any jgoim node and is ignored"
                                + " (did you mean JGOIM_TCP_PORT?)");
    }
}
