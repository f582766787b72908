package io.jgoim.logic.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that shuts its output after its requests (a half-close: {@code nc -N}, a pipe into a socket) still gets a
 * reply to each request logic read, the last with {@code Connection: close}, then the connection closes: a push the
 * bus acks after the half-close is answered, not dropped; a request cut short by the half-close is answered 400.
 * Found by HttpFuzzIT (a chunked body cut short, then a half-close): logic closed at the half-close, answering
 * nothing, and with a bus that acks later it dropped the replies of whole requests too.
 */
@Timeout(60)
class HalfCloseIT {
    private static final Duration SLACK = Duration.ofSeconds(10);

    private HttpFixture http;

    @AfterEach
    void close() {
        http.close();
    }

    @Test
    void shouldAnswerPushesAckedAfterTheHalfCloseThenClose() throws Exception {
        http = new HttpFixture(Map.of(), HttpFixture.ackedAfter(Duration.ofMillis(300)));
        try (HttpFixture.Conn c = http.connect()) {
            String push = "POST /goim/push/all?operation=1000 HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nm";
            c.send(push + push);
            c.socket.shutdownOutput();
            HttpFixture.Response first = c.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.code()).isZero();
            assertThat(first.headers().get("connection")).isNull();
            HttpFixture.Response last = c.read();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.code()).isZero();
            assertThat(last.headers().get("connection")).isEqualTo("close");
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        assertThat(http.published.records()).hasSize(2);
        http.assertServesNormally();
    }

    @Test
    void shouldAnswerARequestCutShortByTheHalfClose400ThenClose() throws Exception {
        http = new HttpFixture(Map.of("JGOIM_HTTP_MAX_BODY_BYTES", "1024"));
        try (HttpFixture.Conn c = http.connect()) {
            // the fuzzer's input: a chunk declared 0xb96 bytes long, 55 of them sent, then the half-close
            c.send("POST /goim/admin/kick?mid=1&offset=-0 HTTP/1.1\r\nHost: x\r\nUser-Agent: jgoim-fuzz\r\n"
                    + "Content-Encoding: gzip\r\nTransfer-Encoding: gzip, chunked\r\n\r\nb96\r\nm3\r\n0\r\n\r\n"
                    + "GET /goim/fuzz-sentinel-1295 HTTP/1.1\r\nHost: x\r\n\r\n");
            c.socket.shutdownOutput();
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.json().get("message").asText())
                    .isEqualTo("request body cut short: the client shut its side of the connection");
            assertThat(r.headers().get("connection")).isEqualTo("close");
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        http.assertServesNormally();
    }

    @Test
    void shouldCloseAtOnceOnAHalfCloseBetweenRequests() throws Exception {
        http = new HttpFixture(Map.of());
        try (HttpFixture.Conn c = http.connect()) {
            c.send("GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().code()).isZero();
            c.socket.shutdownOutput();
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        http.assertServesNormally();
    }
}
