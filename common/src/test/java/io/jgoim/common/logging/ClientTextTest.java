package io.jgoim.common.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientTextTest {
    @Test
    void shouldPassPrintableAsciiAsItIs() {
        String s = "GET /goim/push/keys?keys=a|b HTTP/1.1";
        assertThat(ClientText.of(s)).isSameAs(s);
    }

    @Test
    void shouldEscapeEveryControlAndNonAsciiChar() {
        assertThat(ClientText.of("a\rb\nc\u001b[31md\u0000e\u007ff\u0085g\u00e9h\u202ei\\j"))
                .isEqualTo("a\\x0Db\\x0Ac\\x1B[31md\\x00e\\x7Ff\\x85g\\xE9h\\u202Ei\\\\j");
    }

    @Test
    void shouldCutLongTextAndSayHowMuchWasLeftOut() {
        assertThat(ClientText.of("x".repeat(250))).isEqualTo("x".repeat(200) + "...(50 more chars)");
        assertThat(ClientText.of("\r".repeat(5), 2)).isEqualTo("\\x0D\\x0D...(3 more chars)");
    }

    @Test
    void shouldSayNullForNull() {
        assertThat(ClientText.of(null)).isEqualTo("null");
    }
}
