package io.jgoim.logic.http;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a parameter's value is read: numbers are ASCII decimals as sent (goim's strconv: no other script's digits, no
 * white space or NUL around them), list items and texts are kept byte for byte (a key with a space is another key).
 */
class ParamTest {
    private static Object read(Param p, String value) {
        return p.read(Map.of(p.name(), List.of(value)));
    }

    @Test
    void shouldReadAsciiDecimals() {
        assertThat(read(Param.intParam("operation"), "1000")).isEqualTo(1000);
        assertThat(read(Param.intParam("operation"), "+1000")).isEqualTo(1000);
        assertThat(read(Param.longParam("mid"), "-5")).isEqualTo(-5L);
        assertThat(read(Param.u64("epoch"), "18446744073709551615")).isEqualTo(-1L);
        assertThat(read(Param.longList("mids"), "1,22,333")).isEqualTo(List.of(1L, 22L, 333L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0661\u0660\u0660\u0660", "\uff11\uff10\uff10\uff10", " 1000", "1000 ", "1000\u0000",
        "\t1000", "1000\n", "1_000", "0x3e8", "1e3", "+", "-", "", "1000;x", "+-1"})
    void shouldRefuseWhatIsNotAnAsciiDecimal(String v) {
        for (Param p : List.of(Param.intParam("operation"), Param.longParam("mid"), Param.longList("mids"))) {
            assertThatThrownBy(() -> read(p, v)).as("%s '%s'", p.name(), v).isInstanceOf(JgoimException.class)
                    .satisfies(e -> assertThat(((JgoimException) e).code()).isEqualTo(ErrorCode.BAD_PARAMETER));
        }
        assertThatThrownBy(() -> read(Param.u64("epoch"), v)).isInstanceOf(JgoimException.class);
    }

    @Test
    void shouldRefuseASignOnAnUnsignedValue() {
        assertThatThrownBy(() -> read(Param.u64("epoch"), "-1")).isInstanceOf(JgoimException.class);
    }

    @Test
    void shouldKeepListItemsAsSent() {
        assertThat(read(Param.list("keys"), " k9,k9\u0000,k9\t,k9")).isEqualTo(List.of(" k9", "k9\u0000", "k9\t", "k9"));
        assertThatThrownBy(() -> read(Param.list("keys"), "a,,b")).isInstanceOf(JgoimException.class);
    }

    @Test
    void shouldReadBooleansExactly() {
        assertThat(read(Param.optionalBool("must_deliver"), "true")).isEqualTo(true);
        assertThat(read(Param.optionalBool("must_deliver"), "0")).isEqualTo(false);
        for (String v : List.of("true ", " 1", "TRUE", "yes")) {
            assertThatThrownBy(() -> read(Param.optionalBool("must_deliver"), v)).as(v)
                    .isInstanceOf(JgoimException.class);
        }
    }
}
