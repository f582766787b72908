package io.jgoim.logic.http;

import io.jgoim.common.config.ConfigException;
import io.jgoim.logic.http.HttpFixture.Conn;
import io.jgoim.logic.http.HttpFixture.Response;
import io.jgoim.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The push API behind API keys (http.apiKeys), and the refusal to start an open API off loopback. */
@Timeout(60)
class ApiKeysIT {
    private static final String PUSH = "POST /goim/push/keys?operation=1000&keys=k1";
    private static final String READ = "GET /goim/online/total";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    private final String pusher = newKey();
    private final String reader = newKey();
    private final String rotated = newKey();

    private static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b); // what `openssl rand -hex 32` prints
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String keyEntry(String id, String key, String scopes, String rate, int burst) throws Exception {
        return "    - id: \"" + id + "\"\n      sha256: \"" + sha256(key) + "\"\n      scopes: [" + scopes + "]\n"
                + "      ratePerSecond: " + rate + "\n      burst: " + burst + "\n";
    }

    private HttpFixture logic(String... entries) throws IOException {
        Path file = dir.resolve("logic-" + System.nanoTime() + ".yaml");
        Files.writeString(file, "http:\n  apiKeys:\n" + String.join("", entries));
        return new HttpFixture(file, Map.of());
    }

    private HttpFixture standard() throws Exception {
        return logic(keyEntry("pusher", pusher, "push, read", "0", 0), keyEntry("reader", reader, "read", "0", 0));
    }

    /** One request on a new connection; {@code headers} are whole header lines. */
    private static Response call(HttpFixture http, String requestLine, String... headers) throws IOException {
        try (Conn c = http.connect()) {
            StringBuilder raw = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: x\r\n");
            for (String h : headers) {
                raw.append(h).append("\r\n");
            }
            boolean post = requestLine.startsWith("POST");
            raw.append(post ? "Content-Length: 5\r\n\r\nhello" : "\r\n");
            c.send(raw.toString());
            return c.read();
        }
    }

    private static String bearer(String key) {
        return "Authorization: Bearer " + key;
    }

    private static String auth(String result, String key) {
        return "jgoim_logic_http_auth_total{key=\"" + key + "\",result=\"" + result + "\"}";
    }

    @Test
    void shouldRefuseARequestWithoutAKey() throws Exception {
        try (HttpFixture http = standard()) {
            assertThat(http.metric(auth("missing", "-"))).isZero();
            Response r = call(http, PUSH);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo(ErrorCode.API_KEY_MISSING.code());
            assertThat(r.headers().get("www-authenticate")).startsWith("Bearer");
            // Another scheme is no API key either; an unknown path is not answered 404 before the key.
            assertThat(call(http, READ, "Authorization: Basic dTpw").status()).isEqualTo(401);
            assertThat(call(http, "GET /goim/nothing").code()).isEqualTo(ErrorCode.API_KEY_MISSING.code());
            assertThat(http.metric(auth("missing", "-"))).isEqualTo(3.0);
            assertThat(http.metric("jgoim_logic_api_requests_seconds_count{code=\"109\",route=\"/goim/push/keys\"}"))
                    .isEqualTo(1.0);
        }
    }

    @Test
    void shouldRefuseAWrongKey() throws Exception {
        try (HttpFixture http = standard()) {
            for (String wrong : new String[] {newKey(), sha256(pusher), pusher.substring(1), pusher + " x"}) {
                Response r = call(http, PUSH, bearer(wrong));
                assertThat(r.status()).as("key %s", wrong).isEqualTo(401);
                assertThat(r.code()).isEqualTo(ErrorCode.API_KEY_INVALID.code());
                assertThat(r.headers().get("www-authenticate")).startsWith("Bearer");
                assertThat(r.body()).doesNotContain(wrong);
            }
            assertThat(call(http, READ, "X-Api-Key: " + newKey()).status()).isEqualTo(401);
            assertThat(http.metric(auth("invalid", "-"))).isEqualTo(5.0);
            assertThat(http.metric(auth("ok", "pusher"))).isZero();
        }
    }

    @Test
    void shouldServeAValidKeyInEitherHeader() throws Exception {
        try (HttpFixture http = standard()) {
            Response pushed = call(http, PUSH, bearer(pusher));
            assertThat(pushed.status()).isEqualTo(200);
            assertThat(pushed.json().get("data").get("routed").asInt()).isZero();
            assertThat(call(http, READ, "X-Api-Key: " + pusher).status()).isEqualTo(200);
            assertThat(call(http, READ, "authorization: bearer " + reader).status()).isEqualTo(200);
            // A valid key reaches the route checks: 404 and 405 as without keys.
            assertThat(call(http, "GET /goim/nothing", bearer(pusher)).status()).isEqualTo(404);
            assertThat(call(http, "POST /goim/online/total", bearer(reader)).status()).isEqualTo(405);
            assertThat(http.metric(auth("ok", "pusher"))).isEqualTo(3.0);
            assertThat(http.metric(auth("ok", "reader"))).isEqualTo(2.0);
        }
    }

    @Test
    void shouldForbidARouteOutsideTheKeysScopes() throws Exception {
        try (HttpFixture http = logic(keyEntry("reader", reader, "read", "0", 0),
                keyEntry("pushOnly", pusher, "push", "0", 0))) {
            Response r = call(http, PUSH, bearer(reader));
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.code()).isEqualTo(ErrorCode.FORBIDDEN.code());
            assertThat(r.json().get("message").asText()).contains("reader").contains("push");
            assertThat(call(http, "GET /goim/nodes/instances", bearer(pusher)).status()).isEqualTo(403);
            assertThat(call(http, "GET /goim/nodes/instances", bearer(reader)).status()).isEqualTo(200);
            assertThat(http.metric(auth("forbidden", "reader"))).isEqualTo(1.0);
            assertThat(http.metric(auth("forbidden", "pushOnly"))).isEqualTo(1.0);
        }
    }

    @Test
    void shouldLimitEachKeyToItsOwnRate() throws Exception {
        try (HttpFixture http = logic(keyEntry("slow", reader, "read", "0.01", 2),
                keyEntry("other", pusher, "read", "0", 0))) {
            assertThat(call(http, READ, bearer(reader)).status()).isEqualTo(200);
            assertThat(call(http, READ, bearer(reader)).status()).isEqualTo(200);
            Response limited = call(http, READ, bearer(reader));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.code()).isEqualTo(ErrorCode.RATE_LIMITED.code());
            // One token every 100 s: the wait for the next is within that.
            assertThat(Integer.parseInt(limited.headers().get("retry-after"))).isBetween(1, 100);
            for (int i = 0; i < 20; i++) {
                assertThat(call(http, READ, bearer(pusher)).status()).as("other key, request %d", i).isEqualTo(200);
            }
            assertThat(http.metric(auth("limited", "slow"))).isEqualTo(1.0);
            assertThat(http.metric(auth("ok", "slow"))).isEqualTo(2.0);
            assertThat(http.metric(auth("limited", "other"))).isZero();
        }
    }

    @Test
    void shouldAcceptBothKeysWhileRotatingAndRefuseTheRemovedOne() throws Exception {
        try (HttpFixture http = logic(keyEntry("2024-05", pusher, "push", "0", 0),
                keyEntry("2024-06", rotated, "push", "0", 0))) {
            assertThat(call(http, PUSH, bearer(pusher)).status()).isEqualTo(200);
            assertThat(call(http, PUSH, bearer(rotated)).status()).isEqualTo(200);
        }
        try (HttpFixture http = logic(keyEntry("2024-06", rotated, "push", "0", 0))) {
            assertThat(call(http, PUSH, bearer(rotated)).status()).isEqualTo(200);
            Response old = call(http, PUSH, bearer(pusher));
            assertThat(old.status()).isEqualTo(401);
            assertThat(old.code()).isEqualTo(ErrorCode.API_KEY_INVALID.code());
        }
    }

    @Test
    void shouldServeMetricsAndHealthWithoutAKey() throws Exception {
        try (HttpFixture http = standard()) {
            Response metrics = call(http, "GET /metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("jgoim_logic_http_auth_total").doesNotContain(pusher)
                    .doesNotContain(sha256(pusher));
            assertThat(call(http, "GET /health").status()).isEqualTo(200);
            assertThat(http.metric(auth("missing", "-"))).isZero();
        }
    }

    @Test
    void shouldStayOpenWithoutKeysOnLoopback() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of())) {
            assertThat(call(http, PUSH).status()).isEqualTo(200);
            assertThat(call(http, READ).status()).isEqualTo(200);
            assertThat(http.registry.scrape()).doesNotContain("jgoim_logic_http_auth_total");
        }
    }

    @Test
    void shouldRefuseToStartAnOpenApiOffLoopback() {
        assertThatThrownBy(() -> new HttpFixture(Map.of("JGOIM_HTTP_BIND", "0.0.0.0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("http.apiKeys: the push API binds 0.0.0.0 without API keys; add a key (configs/logic.yaml"
                        + " shows how: openssl rand -hex 32) or bind 127.0.0.1 (http.allowOpen: true starts it open"
                        + " anyway: unsafe)");
    }

    @Test
    void shouldStartAnOpenApiOffLoopbackWhenAllowed() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of("JGOIM_HTTP_BIND", "0.0.0.0",
                "JGOIM_HTTP_ALLOW_OPEN", "true"))) {
            assertThat(call(http, READ).status()).isEqualTo(200);
        }
    }

    @Test
    void shouldStartWithKeysOffLoopback() throws Exception {
        Path file = dir.resolve("keys.yaml");
        Files.writeString(file, "http:\n  apiKeys:\n" + keyEntry("pusher", pusher, "push", "0", 0));
        try (HttpFixture http = new HttpFixture(file, Map.of("JGOIM_HTTP_BIND", "0.0.0.0"))) {
            assertThat(call(http, PUSH).status()).isEqualTo(401);
            assertThat(call(http, PUSH, bearer(pusher)).status()).isEqualTo(200);
        }
    }
}
