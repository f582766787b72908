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
 * The deny-list routes over real HTTP: revoke by jti, kid or mid with a default or given end, list what is revoked,
 * each bad request with BAD_PARAMETER, and the admin scope required once API keys are set.
 */
@Timeout(60)
class AdminRoutesIT {
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
    void shouldRevokeByJtiKidAndMidAndListThem() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of("JGOIM_AUTH_REVOKE_FOR", "2h"))) {
            long before = System.currentTimeMillis() / 1000;
            Response jti = call(http, "POST /goim/admin/revoke?jti=abc");
            assertThat(jti.status()).isEqualTo(200);
            assertThat(jti.code()).isZero();
            assertThat(jti.json().get("data").get("kind").asText()).isEqualTo("jti");
            assertThat(jti.json().get("data").get("until").asLong()).isBetween(before + 7200, before + 7202);
            long until = before + 600;
            assertThat(call(http, "POST /goim/admin/revoke?kid=old-key&until=" + until).code()).isZero();
            assertThat(call(http, "POST /goim/admin/revoke?mid=42").code()).isZero();

            Response list = call(http, "GET /goim/admin/revoked");
            assertThat(list.code()).isZero();
            assertThat(list.json().get("data").get("version").asText()).isNotEmpty();
            assertThat(list.json().get("data").get("revoked")).hasSize(3);
            assertThat(list.body()).contains("\"kind\":\"kid\",\"value\":\"old-key\",\"until\":" + until)
                    .contains("\"kind\":\"mid\",\"value\":\"42\"");
        }
    }

    @Test
    void shouldRevokeADeclaredTenantsMemberAndRefuseAnUnknownTenant() throws Exception {
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, "tenants: {declared: [acme]}\n");
        try (HttpFixture http = new HttpFixture(file, Map.of())) {
            Response acme = call(http, "POST /goim/admin/revoke?mid=42&tenant=acme");
            assertThat(acme.code()).as(acme.body()).isZero();
            assertThat(acme.json().get("data").get("value").asText()).isEqualTo("42");
            assertThat(acme.json().get("data").get("tenant").asText()).isEqualTo("acme");
            assertThat(call(http, "POST /goim/admin/revoke?mid=42&tenant=default").code()).isZero();
            Response unknown = call(http, "POST /goim/admin/revoke?mid=42&tenant=nope");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_TENANT.code());
            for (String bad : new String[] {"POST /goim/admin/revoke?jti=a&tenant=acme",
                    "POST /goim/admin/revoke?kid=k&tenant=acme", "POST /goim/admin/revoke?mid=acme%1F42"}) {
                Response r = call(http, bad);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.code()).as(bad).isEqualTo(ErrorCode.BAD_PARAMETER.code());
            }
            Response list = call(http, "GET /goim/admin/revoked");
            java.util.List<String> entries = new java.util.ArrayList<>();
            list.json().get("data").get("revoked").forEach(e -> entries.add(e.get("kind").asText() + " "
                    + e.get("value").asText() + " " + e.path("tenant").asText("-")));
            assertThat(entries).containsExactlyInAnyOrder("mid 42 acme", "mid 42 -");
        }
    }

    @Test
    void shouldRefuseABadRevokeWithBadParameter() throws Exception {
        try (HttpFixture http = new HttpFixture(Map.of())) {
            for (String bad : new String[] {"POST /goim/admin/revoke", "POST /goim/admin/revoke?jti=a&mid=1",
                    "POST /goim/admin/revoke?mid=x", "POST /goim/admin/revoke?jti=a&until=soon",
                    "POST /goim/admin/revoke?jti=a&until=1000", "POST /goim/admin/revoke?jti=",
                    // mid 0 is every anonymous session (fuzzing found it revocable: all of them locked out for 24 h);
                    // numbers are ASCII digits (١٢٣ revoked member 123)
                    "POST /goim/admin/revoke?mid=0", "POST /goim/admin/revoke?mid=-0",
                    "POST /goim/admin/revoke?mid=%2B0", "POST /goim/admin/revoke?mid=%D9%A1%D9%A2%D9%A3",
                    "POST /goim/admin/revoke?mid=%2042", "POST /goim/admin/revoke?jti=a&until=%204102444800"}) {
                Response r = call(http, bad);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.code()).as(bad).isEqualTo(ErrorCode.BAD_PARAMETER.code());
            }
            assertThat(call(http, "GET /goim/admin/revoke?jti=a").code())
                    .isEqualTo(ErrorCode.METHOD_NOT_ALLOWED.code());
            assertThat(call(http, "GET /goim/admin/revoked").json().get("data").get("revoked")).isEmpty();
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
            Response refused = call(http, "POST /goim/admin/revoke?jti=x", "Authorization: Bearer " + pusher);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN.code());
            assertThat(call(http, "GET /goim/admin/revoked", "X-Api-Key: " + pusher).code())
                    .isEqualTo(ErrorCode.FORBIDDEN.code());
            assertThat(call(http, "POST /goim/admin/revoke?jti=x", "Authorization: Bearer " + admin).code()).isZero();
            assertThat(call(http, "GET /goim/admin/revoked", "X-Api-Key: " + admin).json().get("data")
                    .get("revoked")).hasSize(1);
        }
    }

    @Test
    void shouldRefuseTheClusterAdminRoutesWithoutAnAdminKeyWithTheExactCodes() throws Exception {
        String pusher = "p".repeat(64);
        String admin = "a".repeat(64);
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, "http:\n  apiKeys:\n" + entry("pusher", pusher, "push, read") + entry("ops", admin,
                "admin"));
        try (HttpFixture http = new HttpFixture(file, Map.of())) {
            for (String route : new String[] {"POST /goim/admin/kick?mid=1", "GET /goim/admin/sessions?mid=1",
                    "GET /goim/admin/presence?type=live&room=1", "POST /goim/admin/comet/weight?server=a&weight=0",
                    "POST /goim/admin/comet/drain?server=a"}) {
                Response missing = call(http, route);
                assertThat(missing.status()).as(route).isEqualTo(401);
                assertThat(missing.code()).as(route).isEqualTo(ErrorCode.API_KEY_MISSING.code());
                Response wrong = call(http, route, "Authorization: Bearer " + "w".repeat(64));
                assertThat(wrong.status()).as(route).isEqualTo(401);
                assertThat(wrong.code()).as(route).isEqualTo(ErrorCode.API_KEY_INVALID.code());
                Response forbidden = call(http, route, "X-Api-Key: " + pusher);
                assertThat(forbidden.status()).as(route).isEqualTo(403);
                assertThat(forbidden.code()).as(route).isEqualTo(ErrorCode.FORBIDDEN.code());
            }
            // With the admin key: an unknown member, key or comet answers NOT_FOUND (the registry here is empty),
            // a bad parameter BAD_PARAMETER; never a 500.
            String ops = "Authorization: Bearer " + admin;
            assertThat(call(http, "POST /goim/admin/kick?mid=77", ops).code()).isEqualTo(ErrorCode.NOT_FOUND.code());
            assertThat(call(http, "POST /goim/admin/kick?key=nope", ops).code()).isEqualTo(ErrorCode.NOT_FOUND.code());
            Response weight = call(http, "POST /goim/admin/comet/weight?server=nope&weight=0", ops);
            assertThat(weight.status()).isEqualTo(404);
            assertThat(weight.body()).contains("no comet 'nope'");
            assertThat(call(http, "POST /goim/admin/comet/drain?server=nope", ops).code())
                    .isEqualTo(ErrorCode.NOT_FOUND.code());
            Response none = call(http, "GET /goim/admin/sessions?mid=77", ops);
            assertThat(none.code()).isZero();
            assertThat(none.json().get("data").get("sessions")).isEmpty();
            Response empty = call(http, "GET /goim/admin/presence?type=live&room=1", ops);
            assertThat(empty.code()).isZero();
            assertThat(empty.json().get("data").get("members")).isEmpty();
            assertThat(empty.json().get("data").get("cursor").isNull()).isTrue();
            for (String bad : new String[] {"POST /goim/admin/kick", "POST /goim/admin/kick?mid=1&key=k",
                    "POST /goim/admin/kick?mid=-3", "POST /goim/admin/kick?mid=x", "GET /goim/admin/sessions",
                    "GET /goim/admin/presence?room=1", "GET /goim/admin/presence?type=live&room=1&limit=0",
                    "GET /goim/admin/presence?type=live&room=1&limit=1001",
                    "GET /goim/admin/presence?type=live&room=1&cursor=%25%25",
                    "GET /goim/admin/presence?type=live&room=1&cursor=bm9wZQ",
                    "POST /goim/admin/comet/weight?server=a", "POST /goim/admin/comet/weight?server=a&weight=-1",
                    "POST /goim/admin/comet/weight?weight=1", "POST /goim/admin/comet/drain?server=a&seconds=0"}) {
                Response r = call(http, bad, ops);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.code()).as(bad).isEqualTo(ErrorCode.BAD_PARAMETER.code());
            }
            assertThat(call(http, "GET /goim/admin/kick?mid=1", ops).code())
                    .isEqualTo(ErrorCode.METHOD_NOT_ALLOWED.code());
        }
    }

    private static String entry(String id, String key, String scopes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.US_ASCII)));
        return "    - id: \"" + id + "\"\n      sha256: \"" + sha + "\"\n      scopes: [" + scopes + "]\n"
                + "      ratePerSecond: 0\n      burst: 0\n";
    }
}
