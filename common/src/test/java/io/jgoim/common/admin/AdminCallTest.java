package io.jgoim.common.admin;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The admin routes' parameter reading and the presence cursor: every bad value is BAD_PARAMETER naming it. */
class AdminCallTest {
    private static AdminCall call(Map<String, List<String>> q) {
        return new AdminCall(q, "the test");
    }

    @Test
    void shouldReadParametersWithTheirDefaults() {
        AdminCall c = call(Map.of("limit", List.of("25"), "mid", List.of("7"), "seconds", List.of("30s"),
                "room", List.of(" live://1 ")));
        assertThat(c.integer("limit", 1, 1000, 100)).isEqualTo(25);
        assertThat(c.integer("absent", 1, 1000, 100)).isEqualTo(100);
        assertThat(c.memberId("mid")).isEqualTo(7);
        assertThat(c.memberId("absent")).isZero();
        assertThat(c.seconds("seconds", 3600, Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.required("room")).as("kept as sent: compared byte for byte").isEqualTo(" live://1 ");
        assertThat(c.text("absent")).isNull();
    }

    /** Found by fuzzing: trimming made key=%1Fk9x%20 kick k9x, and Java's parsers read ١٢٣ as member 123. */
    @ParameterizedTest
    @ValueSource(strings = {"\u001fk9x", "k9x\t", "k9x\u0000", "\u007fk", "a\nb"})
    void shouldRefuseAValueHoldingAControlCharacter(String value) {
        AdminCall c = call(Map.of("key", List.of(value)));
        assertThatThrownBy(() -> c.text("key")).isInstanceOf(JgoimException.class)
                .hasMessageContaining("key holds a control character")
                .extracting(e -> ((JgoimException) e).code()).isEqualTo(ErrorCode.BAD_PARAMETER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0661\u0662\u0663", "\uff11\uff10", " 10", "10 ", "1_0", "+", "-"})
    void shouldReadOnlyAsciiDecimals(String value) {
        AdminCall c = call(Map.of("n", List.of(value)));
        assertThatThrownBy(() -> c.integer("n", -100, 1000, 1)).isInstanceOf(JgoimException.class);
        assertThatThrownBy(() -> c.memberId("n")).isInstanceOf(JgoimException.class);
        assertThatThrownBy(() -> c.seconds("n", 3600, Duration.ZERO)).isInstanceOf(JgoimException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "x", ""})
    void shouldRefuseALimitOutOfRange(String value) {
        AdminCall c = call(Map.of("limit", List.of(value)));
        if (value.isEmpty()) {
            assertThat(c.integer("limit", 1, 1000, 100)).isEqualTo(100);
            return;
        }
        assertThatThrownBy(() -> c.integer("limit", 1, 1000, 100)).isInstanceOf(JgoimException.class)
                .hasMessageContaining("limit").extracting(e -> ((JgoimException) e).code())
                .isEqualTo(ErrorCode.BAD_PARAMETER);
    }

    @Test
    void shouldRefuseBadMembersRepeatsAndMissingValues() {
        assertThatThrownBy(() -> call(Map.of("mid", List.of("-1"))).memberId("mid")).hasMessageContaining("mid");
        assertThatThrownBy(() -> call(Map.of("mid", List.of("abc"))).memberId("mid")).hasMessageContaining("mid");
        assertThatThrownBy(() -> call(Map.of("key", List.of("a", "b"))).text("key")).hasMessageContaining("2 times");
        assertThatThrownBy(() -> call(Map.of()).required("room")).hasMessage("room is required");
    }

    @Test
    void shouldRoundTripACursorAndRefuseOnesItDidNotWrite() {
        String key = "key with spaces/and:colons";
        assertThat(PageCursor.decode(PageCursor.encode(key))).isEqualTo(key);
        assertThat(PageCursor.encode(key)).doesNotContain("=", "+", "/");
        assertThat(PageCursor.decode(null)).isEmpty();
        assertThat(PageCursor.decode("")).isEmpty();
        for (String bad : new String[] {"***", "bm9wZQ"}) {
            assertThatThrownBy(() -> PageCursor.decode(bad)).isInstanceOf(JgoimException.class)
                    .extracting(e -> ((JgoimException) e).code()).isEqualTo(ErrorCode.BAD_PARAMETER);
        }
    }
}
