package io.jgoim.logic.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 9110 on methods, over a real socket: a route refuses another method with 405 and names what it takes in
 * {@code Allow} (15.5.6: MUST); a GET route answers HEAD with the GET reply's head and no body (9.3.2), on the same
 * connection as the requests after it; a wrong method on a push route is the 405, never a push, and leaves the
 * connection serving; {@code OPTIONS *} (the server in general, 9.3.7) is 200 with no body, as goim's Go server
 * answers it.
 */
@Timeout(60)
class HttpMethodsIT {
    private final HttpFixture http = new HttpFixture(Map.of());

    @AfterEach
    void close() {
        http.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "FOO"})
    void shouldRefuseAnotherMethodOnAPushRouteNamingPost(String method) throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send(method + " /goim/push/room?operation=1000&type=live&room=1 HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 4\r\n\r\nbody"
                    + "GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.code()).isEqualTo(405);
            assertThat(r.headers().get("allow")).isEqualTo("POST");
            assertThat(r.json().get("message").asText()).isEqualTo("use POST");
            assertThat(c.read().status()).as("the connection keeps serving").isEqualTo(200);
        }
        assertThat(http.published.records()).as("nothing published").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS"})
    void shouldRefuseAnotherMethodOnAReadRouteNamingGetAndHead(String method) throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send(method + " /goim/online/total HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.headers().get("allow")).isEqualTo("GET, HEAD");
        }
    }

    @Test
    void shouldAnswerHeadOnAGetRouteWithTheHeadOfItsGetReply() throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpFixture.Response get = c.read();
            c.send("HEAD /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpFixture.Response head = c.readHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers().get("content-type")).isEqualTo(get.headers().get("content-type"));
            assertThat(head.headers().get("content-length")).as("the GET reply's length")
                    .isEqualTo(get.headers().get("content-length"));
            // no body came: the next bytes are the following request's reply, which parses whole
            HttpFixture.Response after = c.read();
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.code()).isZero();
        }
    }

    @Test
    void shouldRefuseHeadOnAPushRoute() throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("HEAD /goim/push/all?operation=1000 HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpFixture.Response r = c.readHead();
            assertThat(r.status()).isEqualTo(405);
            assertThat(r.headers().get("allow")).isEqualTo("POST");
        }
        assertThat(http.published.records()).as("nothing published").isEmpty();
    }

    @Test
    void shouldAnswerOptionsAsteriskForTheServerInGeneral() throws Exception {
        try (HttpFixture.Conn c = http.connect()) {
            c.send("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /goim/online/total HTTP/1.1\r\nHost: x\r\n\r\n");
            HttpFixture.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("allow")).isEqualTo("GET, HEAD, POST");
            assertThat(r.body()).isEmpty();
            assertThat(c.read().code()).as("the connection keeps serving").isZero();
        }
    }
}
