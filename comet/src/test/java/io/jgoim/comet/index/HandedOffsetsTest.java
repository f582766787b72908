package io.jgoim.comet.index;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandedOffsetsTest {
    private final HandedOffsets h = new HandedOffsets();

    @Test
    void shouldKnowNothingAtFirst() {
        assertThat(h.hadAll(1, 1, 1)).isFalse();
    }

    @Test
    void shouldTakeALateFirstCopyAsNewAndItsRepeatAsARepeat() {
        h.handed(7, 6, 1); // 6 came first (two logic nodes published 5 and 6 the other way round)
        assertThat(h.hadAll(7, 6, 1)).isTrue();
        assertThat(h.hadAll(7, 5, 1)).as("5 was never handed: it goes").isFalse();
        h.handed(7, 5, 1);
        assertThat(h.hadAll(7, 5, 1)).isTrue();
        assertThat(h.hadAll(7, 5, 2)).isTrue();
        assertThat(h.hadAll(7, 4, 2)).as("4 was not").isFalse();
        assertThat(h.hadAll(7, 7, 1)).as("ahead").isFalse();
    }

    @Test
    void shouldRememberTheWindowBelowTheHighestAndTakeOlderOnesAsNew() {
        for (long o = 1; o <= 100; o++) {
            h.handed(3, o, 1);
        }
        assertThat(h.hadAll(3, 100 - HandedOffsets.WINDOW + 1, HandedOffsets.WINDOW)).isTrue();
        assertThat(h.hadAll(3, 100 - HandedOffsets.WINDOW, 1)).as("past the window: a repeat beats a loss").isFalse();
        h.handed(3, 1000, 1); // a jump past the window forgets the rest
        assertThat(h.hadAll(3, 100, 1)).isFalse();
        assertThat(h.hadAll(3, 1000, 1)).isTrue();
    }

    @Test
    void shouldStartOverInANewEpoch() {
        h.handed(1, 10, 3);
        assertThat(h.hadAll(1, 10, 3)).isTrue();
        assertThat(h.hadAll(2, 10, 1)).isFalse();
        h.handed(2, 1, 1);
        assertThat(h.hadAll(2, 1, 1)).isTrue();
        assertThat(h.hadAll(1, 10, 1)).as("the old epoch is forgotten").isFalse();
    }

    @Test
    void shouldRecordABatchWhoseEndMovesTheWindow() {
        h.handed(5, 1, 1);
        h.handed(5, 3, 70); // 3..72: 1 and 2 fall out or were never handed
        assertThat(h.hadAll(5, 9, 64)).isTrue();
        assertThat(h.hadAll(5, 2, 1)).isFalse();
        assertThat(h.hadAll(5, 8, 1)).as("below the window of 72").isFalse();
    }
}
