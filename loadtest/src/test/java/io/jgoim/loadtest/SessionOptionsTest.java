package io.jgoim.loadtest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionOptionsTest {
    @Test
    void shouldSplitTheConnectingBoundOverWorkersAndKeepNoneAsNone() {
        SessionOptions o = SessionOptions.defaults().withSessions(15_000, 500).withMaxPending(256);
        assertThat(o.share(0, 2).maxPending()).isEqualTo(128);
        assertThat(o.share(1, 2).maxPending()).isEqualTo(128);
        assertThat(o.withMaxPending(1).share(2, 3).maxPending()).as("never 0 (none) from a bound").isEqualTo(1);
        assertThat(SessionOptions.defaults().maxPending()).isZero();
        assertThat(SessionOptions.defaults().share(0, 2).maxPending()).isZero();
        assertThat(o.withPorts(1, 2).withRoom("live://x").withWarmup(10).maxPending()).isEqualTo(256);
    }

    @Test
    void shouldRefuseANegativeBound() {
        assertThatThrownBy(() -> SessionOptions.defaults().withMaxPending(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max pending");
    }
}
