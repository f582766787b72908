package io.jgoim.common.http.access;


import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyringTest {
    private static final String PUSHER = "5f2b8c0e9a41d37e6b1c04f8a2d95e70c3b6a18f4e2d07c95b8a3f61e0d4c27a";
    private static final String READER = "reader-key-0123456789";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ApiKeyring keyring = new ApiKeyring(List.of(
            new AdminKey("pusher", sha256(PUSHER), List.of("push", "read"), 0, 0),
            new AdminKey("reader", sha256(READER).toUpperCase(), List.of("read"), 1, 1)),
            registry, System::nanoTime);

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @Test
    void shouldFindTheKeyOfABearerCredentialInAnyCase() {
        assertThat(keyring.match(headers("Authorization", "Bearer " + PUSHER)).id()).isEqualTo("pusher");
        assertThat(keyring.match(headers("authorization", "bearer  " + READER + " ")).id()).isEqualTo("reader");
    }

    @Test
    void shouldFindTheKeyOfAnXApiKeyHeader() {
        assertThat(keyring.match(headers("X-Api-Key", READER)).id()).isEqualTo("reader");
        // Another scheme in Authorization is no API key: X-Api-Key is read instead.
        assertThat(keyring.match(headers("Authorization", "Basic dTpw", "X-Api-Key", PUSHER)).id())
                .isEqualTo("pusher");
    }

    @Test
    void shouldTellAMissingKeyFromAnUnknownOne() {
        assertThat(keyring.match(headers())).isSameAs(keyring.missing());
        assertThat(keyring.match(headers("Authorization", "Bearer   "))).isSameAs(keyring.missing());
        assertThat(keyring.match(headers("Authorization", "Basic dTpw"))).isSameAs(keyring.missing());
        assertThat(keyring.match(headers("Authorization", "Bearer " + PUSHER + "0"))).isSameAs(keyring.unknown());
        assertThat(keyring.match(headers("X-Api-Key", PUSHER.substring(1)))).isSameAs(keyring.unknown());
        assertThat(keyring.match(headers("X-Api-Key", "caf\u00e9"))).isSameAs(keyring.unknown());
        // The hash is not the key.
        assertThat(keyring.match(headers("X-Api-Key", sha256(PUSHER)))).isSameAs(keyring.unknown());
        assertThat(keyring.missing()).isNotSameAs(keyring.unknown());
    }

    @Test
    void shouldCarryScopesAndRatePerKey() {
        ApiKeyring.Key reader = keyring.match(headers("X-Api-Key", READER));
        assertThat(reader.allows(ApiScope.READ)).isTrue();
        assertThat(reader.allows(ApiScope.PUSH)).isFalse();
        assertThat(reader.tryAcquire()).isZero();
        assertThat(reader.tryAcquire()).isPositive();
        ApiKeyring.Key pusher = keyring.match(headers("X-Api-Key", PUSHER));
        assertThat(pusher.allows(ApiScope.PUSH)).isTrue();
        for (int i = 0; i < 1000; i++) {
            assertThat(pusher.tryAcquire()).isZero();
        }
    }

    @Test
    void shouldRegisterEveryOutcomeAtZero() {
        for (String id : List.of("pusher", "reader")) {
            for (String result : List.of("ok", "forbidden", "limited")) {
                assertThat(registry.get("jgoim.logic.http.auth").tag("key", id).tag("result", result).counter()
                        .count()).isZero();
            }
        }
        for (String result : List.of("missing", "invalid")) {
            assertThat(registry.get("jgoim.logic.http.auth").tag("key", ApiKeyring.NO_KEY_TAG).tag("result", result)
                    .counter().count()).isZero();
        }
        keyring.match(headers()).count(AccessResult.MISSING);
        assertThat(registry.get("jgoim.logic.http.auth").tag("key", "-").tag("result", "missing").counter().count())
                .isEqualTo(1.0);
    }
}
