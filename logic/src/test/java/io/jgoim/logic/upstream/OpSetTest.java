package io.jgoim.logic.upstream;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpSetTest {
    @Test
    void shouldMatchOpsAndInclusiveRanges() {
        OpSet s = OpSet.parse("4, 1001,2000-2099", "k");
        assertThat(s.contains(4)).isTrue();
        assertThat(s.contains(1001)).isTrue();
        assertThat(s.contains(2000)).isTrue();
        assertThat(s.contains(2099)).isTrue();
        assertThat(s.contains(1000)).isFalse();
        assertThat(s.contains(2100)).isFalse();
        assertThat(s.contains(5)).isFalse();
    }

    @Test
    void shouldRefuseBadSetsNamingTheKey() {
        assertThatThrownBy(() -> OpSet.parse("", "upstream.routes[].ops")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstream.routes[].ops");
        assertThatThrownBy(() -> OpSet.parse("10x", "k")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> OpSet.parse("2000-1000", "k")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> OpSet.parse("7", "k")).hasMessageContaining("other than 4 and >= 1000");
    }

    @Test
    void shouldRefuseARouteWithAnUnknownKindOrAnHttpRouteWithoutUrl() {
        assertThatThrownBy(() -> new UpstreamConfig.Route("1000", "smtp", null)).hasMessageContaining("kind");
        assertThatThrownBy(() -> new UpstreamConfig.Route("1000", "http", "")).hasMessageContaining("url");
    }
}
