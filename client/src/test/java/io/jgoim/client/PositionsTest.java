package io.jgoim.client;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The SDK's position tracking: dedupe by offset within an epoch, new epochs, and the server's stream states. */
class PositionsTest {
    private static final String ROOM = "live://1000";
    private static final String MEMBER = "mid:42";
    private static final long E1 = 1_700_000_000_000_000L;
    private static final long E2 = 1_700_000_000_500_000L;

    private final Positions positions = new Positions();

    @Test
    void shouldDeliverNewOffsetsAndDropDuplicatesAndOlderOnes() {
        assertThat(positions.accept(ROOM, E1, 5)).as("first message of an unknown stream").isTrue();
        assertThat(positions.accept(ROOM, E1, 6)).isTrue();
        assertThat(positions.accept(ROOM, E1, 6)).as("same offset").isFalse();
        assertThat(positions.accept(ROOM, E1, 3)).as("older offset").isFalse();
        assertThat(positions.accept(ROOM, E1, 9)).as("a gap is the server's to report; the message is new").isTrue();
        assertThat(positions.accept(ROOM, E1, 7)).as("below the last delivered").isFalse();
        assertThat(positions.duplicates()).isEqualTo(3);
        assertThat(positions.snapshot()).containsExactly(new StreamPosition(ROOM, E1, 9));
    }

    @Test
    void shouldKeepStreamsApart() {
        assertThat(positions.accept(ROOM, E1, 5)).isTrue();
        assertThat(positions.accept(MEMBER, E1, 5)).isTrue();
        assertThat(positions.accept(MEMBER, E1, 2)).isFalse();
        assertThat(positions.accept(ROOM, E1, 6)).isTrue();
        assertThat(positions.snapshot()).containsExactly(new StreamPosition(ROOM, E1, 6),
                new StreamPosition(MEMBER, E1, 5));
    }

    @Test
    void shouldForgetOldOffsetsInANewEpoch() {
        positions.accept(ROOM, E1, 40);
        assertThat(positions.accept(ROOM, E2, 1)).as("offset 1 of a new epoch is new").isTrue();
        assertThat(positions.epochChanges()).isEqualTo(1);
        assertThat(positions.accept(ROOM, E2, 1)).isFalse();
        assertThat(positions.accept(ROOM, E2, 2)).isTrue();
        assertThat(positions.snapshot()).containsExactly(new StreamPosition(ROOM, E2, 2));
        assertThat(positions.duplicates()).isEqualTo(1);
    }

    @Test
    void shouldStartAStreamTheClientDidNotAskForAtTheServersPosition() {
        positions.apply(new StreamState(ROOM, E1, 10, false, ErrorCode.OK.code()));
        assertThat(positions.states()).containsExactly(StreamState.of(ROOM, E1, 10));
        assertThat(positions.accept(ROOM, E1, 10)).isFalse();
        assertThat(positions.accept(ROOM, E1, 11)).isTrue();
    }

    @Test
    void shouldKeepItsOwnPositionWhenRecoveredSoTheReplayedMessagesAreDelivered() {
        positions.accept(ROOM, E1, 14);
        positions.apply(new StreamState(ROOM, E1, 16, true, ErrorCode.OK.code()));
        assertThat(positions.snapshot()).containsExactly(new StreamPosition(ROOM, E1, 14));
        assertThat(positions.accept(ROOM, E1, 15)).isTrue();
        assertThat(positions.accept(ROOM, E1, 16)).isTrue();
        assertThat(positions.accept(ROOM, E1, 16)).isFalse();
        assertThat(positions.epochChanges()).isZero();
    }

    @Test
    void shouldMoveToTheNewEpochThatTheServerReports() {
        positions.accept(MEMBER, E1, 2);
        positions.apply(new StreamState(MEMBER, E2, 5, true, ErrorCode.EPOCH_CHANGED.code()));
        assertThat(positions.epochChanges()).isEqualTo(1);
        assertThat(positions.snapshot()).containsExactly(new StreamPosition(MEMBER, E2, 5));
        assertThat(positions.accept(MEMBER, E2, 5)).isFalse();
        assertThat(positions.accept(MEMBER, E2, 6)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"HISTORY_TOO_SHORT", "POSITION_AHEAD"})
    void shouldJumpToTheServersPositionWhenItCouldNotRecover(ErrorCode code) {
        positions.accept(ROOM, E1, 100);
        positions.apply(new StreamState(ROOM, E1, 30, true, code.code()));
        assertThat(positions.snapshot()).containsExactly(new StreamPosition(ROOM, E1, 30));
        assertThat(positions.accept(ROOM, E1, 31)).isTrue();
        assertThat(positions.epochChanges()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"HISTORY_OFF", "STREAM_FORBIDDEN"})
    void shouldForgetAStreamThatKeepsNoHistoryOrIsNotTheSessions(ErrorCode code) {
        positions.accept(ROOM, E1, 7);
        positions.accept(MEMBER, E1, 3);
        positions.apply(new StreamState(ROOM, 0, 0, true, code.code()));
        assertThat(positions.states()).containsExactly(StreamState.of(MEMBER, E1, 3));
        assertThat(positions.accept(ROOM, E1, 1)).as("nothing left to compare with").isTrue();
    }

    @Test
    void shouldForgetARecoveredStreamWhoseEpochIsNotItsOwn() {
        positions.accept(ROOM, E1, 7);
        positions.apply(new StreamState(ROOM, E2, 9, true, ErrorCode.OK.code()));
        assertThat(positions.isEmpty()).isTrue();
        assertThat(positions.accept(ROOM, E2, 8)).isTrue();
    }

    @Test
    void shouldListAtMostSixteenStreamsDroppingTheStalest() {
        for (int i = 0; i < PositionList.MAX_ENTRIES; i++) {
            positions.accept("live://" + (100 + i), E1, 1);
        }
        positions.accept("live://100", E1, 2);
        positions.accept("live://200", E1, 1);
        assertThat(positions.states()).hasSize(PositionList.MAX_ENTRIES)
                .extracting(StreamState::stream).contains("live://100", "live://200").doesNotContain("live://101");
    }

    @Test
    void shouldListPositionsByStreamNameAsAClientSendsThem() {
        positions.accept(ROOM, E1, 7);
        positions.accept(MEMBER, E2, 3);
        assertThat(positions.states()).containsExactly(StreamState.of(ROOM, E1, 7), StreamState.of(MEMBER, E2, 3));
        assertThat(positions.states()).allSatisfy(s -> {
            assertThat(s.asked()).isFalse();
            assertThat(s.code()).isZero();
        });
    }
}
