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
 * Logic speaks HTTP/1.0 and HTTP/1.1 only: a request line naming any other version gets 505 with the JSON error and
 * the connection closes; one with no version (HTTP/0.9 style) or a version that is not {@code HTTP/d.d} cannot be
 * read at all and gets the malformed-request 400. The listener keeps serving everyone else.
 */
@Timeout(60)
class HttpVersionIT {
    private static final Duration SLACK = Duration.ofSeconds(10);

    private final HttpFixture http = new HttpFixture(Map.of());

    @AfterEach
    void close() {
        http.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/1.2", "HTTP/3.0", "HTTP/0.9", "HTTP/2.1", "http/2.0"})
    void shouldRefuseAnUnsupportedVersionWith505AndClose(String version) throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("GET /goim/online/total " + version + "\r\nHost: x\r\n\r\n"
                    + "GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(505);
            assertThat(r.code()).isEqualTo(505);
            assertThat(r.headers().get("connection")).isEqualTo("close");
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        http.assertServesNormally();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " HTTP/1.10", " HTTP/10.1", " FOO/1.1"})
    void shouldRefuseARequestLineWithoutAReadableVersionAsMalformed(String version) throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("GET /goim/online/total" + version + "\r\n\r\n");
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.code()).isEqualTo(400);
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        http.assertServesNormally();
    }

    @Test
    void shouldStillServeHttp10AndHttp11() throws Exception {
        for (String version : new String[] {"HTTP/1.0", "HTTP/1.1"}) {
            try (HttpFixture.Conn c = http.connect()) {
                c.send("GET /goim/online/total " + version + "\r\nHost: x\r\n\r\n");
                HttpFixture.Response r = c.read();
                assertThat(r.status()).as(version).isEqualTo(200);
                assertThat(r.code()).isZero();
            }
        }
    }
}
