package io.jgoim.client;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoimTokenTest {
    @Test
    void shouldWriteGoimJson() {
        String json = new String(GoimToken.json(123, "", "live://1000", "web", 1000, 1001, 1002),
                StandardCharsets.UTF_8);
        assertThat(json).isEqualTo(
                "{\"mid\":123,\"key\":\"\",\"room_id\":\"live://1000\",\"platform\":\"web\","
                        + "\"accepts\":[1000,1001,1002]}");
    }

    @Test
    void shouldEscapeStrings() {
        String json = new String(GoimToken.json(1, "a\"b\\c\n", null, "x\u0001", new int[0]), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo(
                "{\"mid\":1,\"key\":\"a\\\"b\\\\c\\n\",\"room_id\":\"\",\"platform\":\"x\\u0001\",\"accepts\":[]}");
    }

    @Test
    void shouldRejectTlsTransportWithoutContext() {
        assertThatThrownBy(() -> JgoimClient.builder().transport(Transport.TCP_TLS).token("t").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sslContext");
    }

    @Test
    void shouldRequireAToken() {
        assertThatThrownBy(() -> JgoimClient.builder().build()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectBackoffMaxBelowMin() {
        assertThatThrownBy(() -> JgoimClient.builder().token("t")
                .backoff(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoffMax");
    }
}
