package io.jgoim.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one room id rule: 1-256 bytes of UTF-8, no control characters, no lone surrogate. */
class RoomIdsTest {
    @Test
    void shouldKeepTheRule() {
        assertThat(RoomIds.valid("live://1000")).isTrue();
        assertThat(RoomIds.valid("live://\u76f4\u64ad")).isTrue();
        assertThat(RoomIds.valid("live://\ud83d\ude00")).as("a pair").isTrue();
        assertThat(RoomIds.valid("x".repeat(256))).isTrue();
        assertThat(RoomIds.valid("\u76f4".repeat(85))).as("255 bytes").isTrue();
        assertThat(RoomIds.valid("\u76f4".repeat(86))).as("258 bytes").isFalse();
        assertThat(RoomIds.valid("x".repeat(257))).isFalse();
        assertThat(RoomIds.valid("")).isFalse();
        assertThat(RoomIds.valid(null)).isFalse();
        for (String bad : new String[] {"live://1\u0000", "live://a\nb", "live://\u007f", "live://\u0085",
            "live://\u001f", "live://\ud83d", "live://\ude00x"}) {
            assertThat(RoomIds.valid(bad)).as(bad).isFalse();
        }
    }
}
