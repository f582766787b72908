package io.jgoim.logic.http;

import io.jgoim.logic.http.HttpFixture.Conn;
import io.jgoim.logic.http.HttpFixture.Response;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.push.PushMsg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.jgoim.testkit.FreePorts;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push API's tenant: named by {@code X-Jgoim-Tenant} or bound to the API key ({@code http.apiKeys[].tenants});
 * an undeclared tenant is refused with 114 (400), a tenant the key may not use with 115 (403), and nothing is
 * published for either. An accepted push of a declared tenant is published with its keys and room namespaced and
 * the tenant on the record; the default tenant's records are goim's, unchanged.
 */
@Timeout(60)
class TenantApiIT {
    private static final String PROD = "a".repeat(64);
    private static final String LOAD = "b".repeat(64);
    private static final String BOTH = "c".repeat(64);

    @TempDir
    Path dir;

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(key.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String entry(String id, String key, String tenants) throws Exception {
        return "    - id: \"" + id + "\"\n      sha256: \"" + sha256(key) + "\"\n      scopes: [push, read]\n      ratePerSecond: 0\n      burst: 0\n"
                + (tenants == null ? "" : "      tenants: [" + tenants + "]\n");
    }

    private HttpFixture logic() throws Exception {
        return logic(false);
    }

    /** {@code traced}: tracing on at ratio 1 (a push's span and tenant are made current together). */
    private HttpFixture logic(boolean traced) throws Exception {
        Path file = dir.resolve("logic.yaml");
        Files.writeString(file, "http:\n  apiKeys:\n" + entry("prod", PROD, null) + entry("load", LOAD, "loadtest")
                + entry("both", BOTH, "default, loadtest") + "tenants:\n  declared: [loadtest, staging]\n"
                + (traced ? "tracing: {enabled: true, samplingRatio: 1.0, endpoint: \"http://127.0.0.1:"
                + FreePorts.next() + "/v1/traces\"}\n" : ""));
        return new HttpFixture(file, Map.of());
    }

    private static Response call(HttpFixture http, String requestLine, String key, String tenant) throws IOException {
        try (Conn c = http.connect()) {
            StringBuilder raw = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: x\r\n")
                    .append("Authorization: Bearer ").append(key).append("\r\n");
            if (tenant != null) {
                raw.append("X-Jgoim-Tenant: ").append(tenant).append("\r\n");
            }
            boolean post = requestLine.startsWith("POST");
            raw.append(post ? "Content-Length: 5\r\n\r\nhello" : "\r\n");
            c.send(raw.toString());
            return c.read();
        }
    }

    private static void refused(Response r, ErrorCode code) {
        assertThat(r.status()).as(r.body()).isEqualTo(code.httpStatus());
        assertThat(r.code()).isEqualTo(code.code());
    }

    @Test
    void shouldRefuseAnUnknownTenantAndATenantTheKeyMayNotUse() throws Exception {
        try (HttpFixture http = logic()) {
            String all = "POST /goim/push/all?operation=1000";
            refused(call(http, all, BOTH, "nope"), ErrorCode.UNKNOWN_TENANT);
            refused(call(http, all, PROD, "nope"), ErrorCode.UNKNOWN_TENANT);
            refused(call(http, "GET /goim/online/total", BOTH, "nope"), ErrorCode.UNKNOWN_TENANT);
            refused(call(http, all, PROD, "loadtest"), ErrorCode.TENANT_FORBIDDEN);
            refused(call(http, all, LOAD, "default"), ErrorCode.TENANT_FORBIDDEN);
            refused(call(http, all, BOTH, "staging"), ErrorCode.TENANT_FORBIDDEN); // declared, not the key's
            assertThat(http.published.records()).isEmpty();
            assertThat(http.metric("jgoim_logic_api_requests_seconds_count{code=\"114\",route=\"/goim/push/all\"}"))
                    .isEqualTo(2.0);
            assertThat(http.metric("jgoim_logic_api_requests_seconds_count{code=\"115\",route=\"/goim/push/all\"}"))
                    .isEqualTo(3.0);
            assertThat(call(http, "GET /goim/online/total", PROD, null).status()).isEqualTo(200); // undisturbed
        }
    }

    @ParameterizedTest(name = "traced {0}")
    @ValueSource(booleans = {false, true})
    void shouldPublishATenantsPushesNamespacedAndTheDefaultTenantsAsBefore(boolean traced) throws Exception {
        try (HttpFixture http = logic(traced)) {
            Response first = call(http, "POST /goim/push/room?operation=1000&type=live&room=1", LOAD, null);
            assertThat(first.status()).isEqualTo(200); // the key's only tenant, without a header
            assertThat(first.headers().containsKey("traceparent")).as("served under a span").isEqualTo(traced);
            assertThat(call(http, "POST /goim/push/all?operation=1000", BOTH, "loadtest").status()).isEqualTo(200);
            assertThat(call(http, "POST /goim/push/room?operation=1000&type=live&room=1", BOTH, null).status())
                    .isEqualTo(200); // the key's first tenant: default
            assertThat(call(http, "POST /goim/push/all?operation=1000", PROD, "default").status()).isEqualTo(200);
            // A key with the separator could name another tenant's session: refused for a tenant.
            refused(call(http, "POST /goim/push/keys?operation=1000&keys=default%1Fk", LOAD, null),
                    ErrorCode.BAD_PARAMETER);
            List<InMemoryPushPublisher.Record> r = http.published.records();
            assertThat(r).hasSize(4);
            assertThat(r.get(0).message().getRoom()).isEqualTo("loadtest\u001flive://1");
            assertThat(r.get(0).message().getTenant()).isEqualTo("loadtest");
            assertThat(r.get(1).message().getType()).isEqualTo(PushMsg.Type.BROADCAST);
            assertThat(r.get(1).message().getTenant()).isEqualTo("loadtest");
            assertThat(r.get(2).message().getRoom()).isEqualTo("live://1");
            assertThat(r.get(2).message().getTenant()).isEmpty();
            // The default tenant's record has no tenant field at all: goim's bytes.
            PushMsg plain = r.get(3).message();
            assertThat(plain.toByteArray()).isEqualTo(plain.toBuilder().clearTenant().build().toByteArray());
            assertThat(http.metric("jgoim_logic_tenant_pushes_total{tenant=\"loadtest\"}")).isEqualTo(3.0);
            assertThat(http.metric("jgoim_logic_tenant_pushes_total{tenant=\"default\"}")).isEqualTo(2.0);
            assertThat(http.metric("jgoim_logic_tenant_pushes_total{tenant=\"staging\"}")).isZero();
        }
    }
}
