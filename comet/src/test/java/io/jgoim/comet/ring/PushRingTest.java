package io.jgoim.comet.ring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushRingTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 16, 17, 1000})
    void shouldHoldCapacityRoundedToPowerOfTwoThenRefuse(int requested) {
        PushRing ring = new PushRing(requested);
        int cap = ring.capacity();
        assertThat(Integer.bitCount(cap)).isEqualTo(1);
        assertThat(cap).isGreaterThanOrEqualTo(requested).isLessThan(requested * 2 + 1);
        for (int i = 0; i < cap; i++) {
            assertThat(ring.offer(i)).isTrue();
        }
        assertThat(ring.offer("over")).isFalse();
        assertThat(ring.size()).isEqualTo(cap);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16})
    void shouldKeepFifoOrderAcrossWrapAround(int capacity) {
        PushRing ring = new PushRing(capacity);
        int next = 0;
        int expected = 0;
        for (int round = 0; round < 5 * capacity; round++) {
            while (ring.offer(next)) {
                next++;
            }
            int take = 1 + round % ring.capacity();
            for (int i = 0; i < take && !ring.isEmpty(); i++) {
                assertThat(ring.poll()).isEqualTo(expected++);
            }
        }
        while (!ring.isEmpty()) {
            assertThat(ring.poll()).isEqualTo(expected++);
        }
        assertThat(expected).isEqualTo(next);
        assertThat(ring.poll()).isNull();
    }

    @Test
    void shouldRejectBadCapacityAndNullElements() {
        assertThatThrownBy(() -> new PushRing(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PushRing(1).offer(null)).isInstanceOf(NullPointerException.class);
    }
}
