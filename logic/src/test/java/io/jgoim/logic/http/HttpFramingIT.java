package io.jgoim.logic.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What RFC 9112 asks of the request framing that Netty leaves to the server (common's {@code RequestFraming}): a
 * push whose body comes in a transfer coding other than chunked ({@code gzip, chunked} was read as chunked and its
 * still-coded bytes pushed as the message) is refused 400 and not published, an HTTP/1.1 request without exactly one
 * {@code Host} is refused 400, each after the replies of the requests before it and then the connection closes; an
 * absolute-form target is served by its path. The listener keeps serving everyone else.
 */
@Timeout(60)
class HttpFramingIT {
    private static final Duration SLACK = Duration.ofSeconds(10);

    private final HttpFixture http = new HttpFixture(Map.of());

    @AfterEach
    void close() {
        http.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "deflate, chunked", "x-custom, chunked"})
    void shouldRefuseATransferCodingOtherThanChunkedAndPublishNothing(String coding) throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /goim/push/room?operation=1000&type=live&room=1 HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: " + coding + "\r\n\r\n4\r\nbody\r\n0\r\n\r\n"
                    + "GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(c.read().status()).as("the request before it").isEqualTo(200);
            assertRefusedAndClosed(c, "Transfer-Encoding '" + coding
                    + "' is not supported: send a Content-Length or Transfer-Encoding: chunked");
        }
        assertNothingPublishedAndOthersServed();
    }

    @Test
    void shouldStillTakeAChunkedPush() throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("POST /goim/push/room?operation=1000&type=live&room=1 HTTP/1.1\r\nHost: x\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n");
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.code()).isZero();
        }
        assertThat(http.published.records()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Host: x\r\nHost: y\r\n", "Host: x\r\nHost: x\r\n"})
    void shouldRefuseAnHttp11RequestWithoutExactlyOneHost(String hosts) throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("POST /goim/push/room?operation=1000&type=live&room=1 HTTP/1.1\r\n" + hosts
                    + "Content-Length: 4\r\n\r\nbody");
            assertRefusedAndClosed(c, "an HTTP/1.1 request needs exactly one Host header, it has "
                    + (hosts.isEmpty() ? 0 : 2));
        }
        assertNothingPublishedAndOthersServed();
    }

    @Test
    void shouldRefuseAnAbsoluteFormTargetWithAnEmptyHost() throws Exception {
        // RFC 9110 4.2.1: an http URI with an empty host is invalid, and a recipient must reject it
        try (HttpFixture.Conn c = http.connect()) {
            c.send("POST http:///goim/push/room?operation=1000&type=live&room=1 HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 4\r\n\r\nbody");
            assertRefusedAndClosed(c, "an absolute-form target needs a host: http:///goim/push/room?operation=1000"
                    + "&type=live&room=1");
        }
        assertNothingPublishedAndOthersServed();
    }

    /** The next reply is the malformed-request 400 with {@code message}, and the connection closes after it. */
    private static void assertRefusedAndClosed(HttpFixture.Conn c, String message) throws Exception {
        HttpFixture.Response r = c.read();
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).isEqualTo(message);
        assertThat(r.headers().get("connection")).isEqualTo("close");
        assertThat(c.closedWithin(SLACK)).as("nothing after it is served").isTrue();
    }

    private void assertNothingPublishedAndOthersServed() throws Exception {
        assertThat(http.published.records()).as("nothing published").isEmpty();
        http.assertServesNormally();
    }

    @Test
    void shouldServeAnAbsoluteFormTargetByItsPathAndHttp10WithoutHost() throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("GET http://logic.example:3111/goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /goim/online/total HTTP/1.0\r\n\r\n");
            HttpFixture.Response absolute = c.read();
            assertThat(absolute.status()).isEqualTo(200);
            assertThat(absolute.code()).isZero();
            HttpFixture.Response old = c.read();
            assertThat(old.status()).isEqualTo(200);
            assertThat(old.code()).isZero();
        }
    }
}
