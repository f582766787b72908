package io.jgoim.logic.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** goim's JSON token: the {@link AuthenticatorContract} cases, then its own (unsigned JSON quirks). */
class GoimTokenAuthenticatorTest extends AuthenticatorContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GoimTokenAuthenticator auth = new GoimTokenAuthenticator();

    @Override
    Authenticator authenticator() {
        return auth;
    }

    @Override
    byte[] token(long mid, String key, String roomId, String platform, List<Integer> accepts) {
        ObjectNode t = JSON.createObjectNode().put("mid", mid);
        if (key != null) {
            t.put("key", key);
        }
        if (roomId != null) {
            t.put("room_id", roomId);
        }
        if (platform != null) {
            t.put("platform", platform);
        }
        if (accepts != null) {
            accepts.forEach(t.putArray("accepts")::add);
        }
        return t.toString().getBytes(StandardCharsets.UTF_8);
    }

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
