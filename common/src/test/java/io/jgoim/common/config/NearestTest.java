package io.jgoim.common.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NearestTest {
    private static final List<String> KNOWN = List.of("JGOIM_TCP_PORT", "JGOIM_TCP_TLS_PORT", "JGOIM_HTTP_PORT",
            "heartbeatInterval", "port");

    @Test
    void shouldSuggestTheClosestNameForATypo() {
        assertThat(Nearest.of("JGOIM_TCP_PROT", KNOWN)).isEqualTo("JGOIM_TCP_PORT");
        assertThat(Nearest.of("heartbeatIntervall", KNOWN)).isEqualTo("heartbeatInterval");
        assertThat(Nearest.of("PORT", KNOWN)).isEqualTo("port");
    }

    @Test
    void shouldSuggestNothingWhenNoNameIsClose() {
        assertThat(Nearest.of("JGOIM_SOMETHING_ELSE_ENTIRELY", KNOWN)).isNull();
        assertThat(Nearest.of("xyz", KNOWN)).isNull();
    }

    @Test
    void shouldStopCountingPastTheLimit() {
        assertThat(Nearest.distance("kitten", "sitting", 5)).isEqualTo(3);
        assertThat(Nearest.distance("abcdefgh", "zzzzzzzz", 2)).isEqualTo(3);
    }
}
