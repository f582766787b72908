package io.jgoim.comet.index;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HandedOffsetsTest {
    private final HandedOffsets h = new HandedOffsets(64);

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
        assertThat(h.hadAll(3, 100 - h.window() + 1, h.window())).isTrue();
        assertThat(h.hadAll(3, 100 - h.window(), 1)).as("past the window: a repeat beats a loss").isFalse();
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

    @Test
    void shouldKeepAWiderWindowInSeveralWordsAndForgetWhatFallsOutOfIt() {
        HandedOffsets w = new HandedOffsets(256);
        w.handed(1, 1, 128);               // a batch of 128
        w.handed(1, 200, 1);               // 129..199 never handed (a gap)
        assertThat(w.leadingHad(1, 1, 300)).isEqualTo(128);
        assertThat(w.hadAll(1, 129, 1)).isFalse();
        assertThat(w.hadAll(1, 200, 1)).isTrue();
        w.handed(1, 300, 1);               // the window is now 45..300: 1..44 fall out, 45..128 stay
        assertThat(w.had(1, 44)).isFalse();
        assertThat(w.leadingHad(1, 45, 100)).isEqualTo(84);
        w.handed(1, 150, 10);              // late first copies inside the window
        assertThat(w.hadAll(1, 150, 10)).isTrue();
        assertThat(w.hadAll(1, 149, 2)).isFalse();
        w.handed(1, 1000, 1);              // a jump past the whole window
        assertThat(w.had(1, 300)).isFalse();
        assertThat(w.had(1, 1000)).isTrue();
    }

    @Test
    void shouldRefuseAWindowThatIsNotAPowerOfTwoOfWholeWords() {
        for (int w : new int[] {0, 32, 100, 192}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HandedOffsets(w))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
