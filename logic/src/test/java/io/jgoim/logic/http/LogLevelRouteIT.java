package io.jgoim.logic.http;

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
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /goim/admin/loglevel} over real HTTP in this module's tests, whose logging backend is slf4j-simple: the
 * parameters and the admin scope are checked first, then the route answers UNAVAILABLE (503) and changes nothing,
 * never a 500. The change itself, on Logback, is {@code NodeLogsIT} (server) and {@code LogLevelsTest} (common).
 */
@Timeout(60)
class LogLevelRouteIT {
    @TempDir
    Path dir;

    private static Response call(HttpFixture http, String requestLine, String... headers) throws IOException {
        try (Conn c = http.connect()) {
            StringBuilder raw = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: x\r\n");
            for (String h : headers) {
                raw.append(h).append("\r\n");
            }
            raw.append(requestLine.startsWith("POST") ? "Content-Length: 0\r\n\r\n" : "\r\n");
            c.send(raw.toString());
            return c.read();
        }
    }

    @Test
    void shouldCheckParametersThenAnswerUnavailableWithoutLogback() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of())) {
            for (String bad : new String[] {"POST /goim/admin/loglevel", "POST /goim/admin/loglevel?logger=a.b",
                    "POST /goim/admin/loglevel?level=INFO", "POST /goim/admin/loglevel?logger=&level=INFO"}) {
                Response r = call(http, bad);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.code()).as(bad).isEqualTo(ErrorCode.BAD_PARAMETER.code());
            }
            assertThat(call(http, "GET /goim/admin/loglevel?logger=a&level=INFO").code())
                    .isEqualTo(ErrorCode.METHOD_NOT_ALLOWED.code());
            Response r = call(http, "POST /goim/admin/loglevel?logger=io.jgoim&level=DEBUG");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
            assertThat(r.json().get("message").asText()).contains("not Logback");
        }
    }

    @Test
    void shouldRequireTheAdminScope() throws Exception {
        String pusher = "p".repeat(64);
        String admin = "a".repeat(64);
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, "http:\n  apiKeys:\n" + entry("pusher", pusher, "push, read") + entry("ops", admin,
                "admin"));
        try (HttpFixture http = new HttpFixture(file, Map.of())) {
            String route = "POST /goim/admin/loglevel?logger=io.jgoim&level=DEBUG";
            Response none = call(http, route);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.code()).isEqualTo(ErrorCode.API_KEY_MISSING.code());
            Response wrong = call(http, route, "Authorization: Bearer " + "x".repeat(64));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.code()).isEqualTo(ErrorCode.API_KEY_INVALID.code());
            Response refused = call(http, route, "Authorization: Bearer " + pusher);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN.code());
            assertThat(call(http, route, "X-Api-Key: " + admin).code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
        }
    }

    private static String entry(String id, String key, String scopes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.US_ASCII)));
        return "    - id: \"" + id + "\"\n      sha256: \"" + sha + "\"\n      scopes: [" + scopes + "]\n"
                + "      ratePerSecond: 0\n      burst: 0\n";
    }
}
