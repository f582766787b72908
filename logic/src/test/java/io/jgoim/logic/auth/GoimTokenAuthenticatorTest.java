package io.jgoim.logic.auth;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class GoimTokenAuthenticatorTest {
    private final GoimTokenAuthenticator auth = new GoimTokenAuthenticator();

    private Identity of(String json) {
        return auth.authenticate(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadGoimToken() {
        Identity id = of("{\"mid\":123,\"key\":\"k-1\",\"room_id\":\"live://1000\",\"platform\":\"web\","
                + "\"accepts\":[1000,1001,1002]}");
        assertThat(id).isEqualTo(new Identity(123, "k-1", "live://1000", "web", List.of(1000, 1001, 1002)));
    }

    @Test
    void shouldGenerateUuidForEmptyKey() {
        Identity a = of("{\"mid\":1,\"key\":\"\"}");
        Identity b = of("{\"mid\":1}");
        assertThat(UUID.fromString(a.key())).isNotNull();
        assertThat(UUID.fromString(b.key())).isNotNull();
        assertThat(a.key()).isNotEqualTo(b.key());
        assertThat(a.roomId()).isEmpty();
        assertThat(a.accepts()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "{\"mid\":\"abc\"}", "{\"mid\":1.5}", "{\"mid\":1,\"key\":7}",
        "{\"mid\":1,\"accepts\":\"1000\"}", "{\"mid\":1,\"accepts\":[\"x\"]}", "{\"mid\":1} trailing",
        "{\"mid\":99999999999999999999999}"})
    void shouldRefuseMalformedToken(String token) {
        JgoimException e = catchThrowableOfType(JgoimException.class, () -> of(token));
        assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_MALFORMED);
    }
}
