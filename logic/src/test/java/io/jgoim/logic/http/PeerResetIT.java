package io.jgoim.logic.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that resets its connection (RST: "Connection reset by peer" on logic's read) has just gone away: logic
 * closes the connection without a WARN and without counting a connection error, which stays for logic's own
 * failures on a connection.
 */
@Timeout(60)
class PeerResetIT {
    private static final String GET = "GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n";

    // one connection per address: a new one is admitted only once logic has closed the reset one
    private final HttpFixture http = new HttpFixture(Map.of("JGOIM_HTTP_MAX_CONNECTIONS_PER_IP", "1"));

    @AfterEach
    void close() {
        http.close();
    }

    @Test
    void shouldNeitherWarnNorCountAConnectionErrorWhenThePeerResets() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            HttpFixture.Conn c = http.connect();
            c.send(GET);
            assertThat(c.read().status()).isEqualTo(200);
            c.socket.setSoLinger(true, 0);
            c.send(GET.substring(0, 10)); // logic waits for the rest of this request when the reset comes
            c.close(); // linger 0: a reset, not a FIN
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(this::admitted);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(http.metric("jgoim_logic_http_connection_errors_total")).as(log).isZero();
        // (a connection refused 429 while the reset one was still open is WARNed as a refusal, and that is all)
        assertThat(log).doesNotContain("closed on error").doesNotContain(" ERROR ");
        http.assertServesNormally();
    }

    /** A new connection is served (not refused 429): logic has closed the reset one. */
    private boolean admitted() throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send(GET);
            return c.read().status() == 200;
        }
    }
}
