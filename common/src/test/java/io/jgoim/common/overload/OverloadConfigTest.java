package io.jgoim.common.overload;

import io.jgoim.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverloadConfigTest {
    private static OverloadConfig with(double probeMargin, double nearBest, double carriedRt) {
        return new OverloadConfig(true, 0.8, "process", Duration.ofMillis(250), 0.8, Duration.ofSeconds(10), 100,
                Duration.ofSeconds(1), probeMargin, nearBest, carriedRt);
    }

    @Test
    void shouldDefaultToTheDocumentedShape() {
        OverloadConfig c = new OverloadConfig(true, 0.8, "process", Duration.ofMillis(250), 0.8,
                Duration.ofSeconds(10), 100, Duration.ofSeconds(1));
        assertThat(c.probeMargin()).isEqualTo(0.25);
        assertThat(c.nearBest()).isEqualTo(0.96875);
        assertThat(c.carriedRt()).isEqualTo(1.125);
        assertThat(c.probeCycle()).isEqualTo(8);
    }

    @Test
    void shouldRefuseAProbingMarginOutsideZeroToOne() {
        assertThatThrownBy(() -> with(0, 0.96875, 1.125)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("overload.probeMargin must be in (0, 1]");
        assertThatThrownBy(() -> with(1.5, 0.96875, 1.125)).hasMessageContaining("overload.probeMargin");
        assertThatThrownBy(() -> with(Double.NaN, 0.96875, 1.125)).hasMessageContaining("overload.probeMargin");
    }

    @Test
    void shouldRefuseANearBestShareOutsideZeroToOne() {
        assertThatThrownBy(() -> with(0.25, 0, 1.125)).hasMessageContaining("overload.nearBest must be in (0, 1]");
        assertThatThrownBy(() -> with(0.25, 1.01, 1.125)).hasMessageContaining("overload.nearBest");
    }

    @Test
    void shouldRefuseACarriedRtToleranceOutsideOneToFour() {
        assertThatThrownBy(() -> with(0.25, 0.96875, 0.99)).hasMessageContaining("overload.carriedRt must be in [1, 4]");
        assertThatThrownBy(() -> with(0.25, 0.96875, 4.5)).hasMessageContaining("overload.carriedRt");
        assertThat(with(1, 1, 1).carriedRt()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAProbingCycleOutsideThreeToOneThousandBuckets() {
        assertThatThrownBy(() -> new OverloadConfig(true, 0.8, "process", Duration.ofMillis(250), 0.8,
                Duration.ofSeconds(10), 100, Duration.ofSeconds(1), 0.25, 0.96875, 1.125, 2))
                .isInstanceOf(ConfigException.class).hasMessageContaining("overload.probeCycle must be in [3, 1000]");
        assertThatThrownBy(() -> new OverloadConfig(true, 0.8, "process", Duration.ofMillis(250), 0.8,
                Duration.ofSeconds(10), 100, Duration.ofSeconds(1), 0.25, 0.96875, 1.125, 1001))
                .hasMessageContaining("overload.probeCycle");
    }
}
