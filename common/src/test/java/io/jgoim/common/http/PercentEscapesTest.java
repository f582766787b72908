package io.jgoim.common.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PercentEscapesTest {
    @ParameterizedTest
    @ValueSource(strings = {"/a?k=%zz", "/a?k=%", "/a?k=%4", "/a?k=%4g", "/%zz", "/a%?k=1", "/a?k=%ff", "/a?k=%c3%28",
        "/a?k=%e2%82", "/a?k=%e2%82x", "/%c0%af", "/a?%zz=1", "/a?k=%ed%a0%80"})
    void shouldFindTheProblemInEveryMalformedTarget(String target) {
        assertThat(PercentEscapes.problem(target)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a", "/a?k=1&j=2", "/a?k=%20x%20", "/a?k=%e2%82%ac", "/a?k=%C3%A9", "/%41?k=+",
        "/a?k=%f0%9f%98%80%f0%9f%98%80%f0%9f%98%80", "/a?k=1#%zz", "/a?k=%25"})
    void shouldPassEveryWellFormedTargetThatNettyDecodes(String target) {
        assertThat(PercentEscapes.problem(target)).isNull();
        QueryStringDecoder decoded = new QueryStringDecoder(target);
        assertThat(decoded.path()).doesNotContain("\uFFFD");
        assertThat(decoded.parameters().toString()).doesNotContain("\uFFFD");
    }
}
