package io.jgoim.comet.transport;

import io.jgoim.testkit.StderrLog;
import io.jgoim.testkit.LeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request the comet's admin port cannot decode is logged at WARN with Netty's decoder message, which quotes the
 * client's bytes: its control bytes (CR, ESC, BEL) reach the log line escaped, never raw, so no client can forge or
 * recolour log lines (the log read from the comet's stderr).
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class ClientBytesLogIT {
    private static StderrLog log;
    private static HostileComet hostile;

    @BeforeAll
    static void start() throws Exception {
        log = StderrLog.install();
        hostile = new HostileComet();
    }

    @AfterAll
    static void stop() {
        hostile.close();
        log.close();
    }

    @Test
    void shouldLogTheControlBytesOfAnUndecodableRequestEscaped() throws Exception {
        int mark = log.mark();
        try (Socket s = new Socket()) {
            s.connect(hostile.comet().adminAddress(), 3000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /metrics FOO\u001b[2J\u001b]0;x\u0007\rBAR\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 400");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> log.since(mark).contains("HTTP client error"));
        List<String> lines = Arrays.stream(log.since(mark).split("\n"))
                .filter(l -> l.contains("HTTP client error")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("FOO\\x1B[2J\\x1B]0;X\\x07\\x0DBAR")
                .doesNotContain("\u001b").doesNotContain("\r").doesNotContain("\u0007");
        hostile.assertBystanderServed();
    }
}
