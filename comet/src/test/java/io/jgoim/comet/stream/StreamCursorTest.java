package io.jgoim.comet.stream;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.stream.StreamCursor.Verdict;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The merge-by-offset rule of one session's streams, without sockets. */
class StreamCursorTest {
    private static final String ROOM = "live://1";
    private final StreamCursor cursor = new StreamCursor(2);

    private static PushFrame batch(long epoch, long first, int count) {
        return new PushFrame(Unpooled.buffer(16), ByteBufAllocator.DEFAULT,
                new PushFrame.Position(ROOM, epoch, first, count));
    }

    @Test
    void shouldLeaveStreamsItDoesNotTrackAlone() {
        assertThat(cursor.verdict(ROOM, 1, 1, 1)).isEqualTo(Verdict.UNTRACKED);
        cursor.took(ROOM, 1, 1);
        assertThat(cursor.tracks(ROOM)).isFalse();
    }

    @Test
    void shouldTakeAnyBatchWhileThePositionIsUnknownThenExpectTheNextOffset() {
        cursor.track(ROOM);
        assertThat(cursor.verdict(ROOM, 9, 40, 42)).isEqualTo(Verdict.TAKE);
        cursor.took(ROOM, 9, 42);
        assertThat(cursor.next(ROOM)).isEqualTo(43);
        assertThat(cursor.verdict(ROOM, 9, 43, 43)).isEqualTo(Verdict.TAKE);
    }

    @Test
    void shouldSkipDuplicatesTrimOverlapsAndReportGaps() {
        cursor.track(ROOM);
        cursor.position(ROOM, 9, 10);
        assertThat(cursor.verdict(ROOM, 9, 5, 10)).isEqualTo(Verdict.SKIP);
        assertThat(cursor.verdict(ROOM, 9, 8, 12)).isEqualTo(Verdict.TRIM);
        assertThat(cursor.verdict(ROOM, 9, 11, 12)).isEqualTo(Verdict.TAKE);
        assertThat(cursor.verdict(ROOM, 9, 13, 14)).isEqualTo(Verdict.GAP);
        assertThat(cursor.verdict(ROOM, 10, 1, 1)).isEqualTo(Verdict.EPOCH_CHANGED);
    }

    @Test
    void shouldTreatEpochZeroAsNoPositionYetButRememberItStandsBeforeTheFirstMessage() {
        cursor.track(ROOM);
        cursor.position(ROOM, 0, 0);
        assertThat(cursor.isKnown(ROOM)).isFalse();
        assertThat(cursor.startsEmpty(ROOM)).isTrue();
        assertThat(cursor.verdict(ROOM, 7, 3, 3)).isEqualTo(Verdict.TAKE);
        cursor.took(ROOM, 7, 3);
        assertThat(cursor.startsEmpty(ROOM)).isFalse();
        cursor.unknown(ROOM);
        assertThat(cursor.startsEmpty(ROOM)).as("a stream keeping no history").isFalse();
    }

    @Test
    void shouldHoldWhileRecoveringUpToTheBoundInOrder() {
        cursor.track(ROOM);
        cursor.position(ROOM, 9, 10);
        cursor.recovering(ROOM, true);
        PushFrame a = batch(9, 11, 1);
        PushFrame b = batch(9, 12, 1);
        PushFrame c = batch(9, 13, 1);
        try {
            assertThat(cursor.verdict(ROOM, 9, 11, 11)).isEqualTo(Verdict.HOLD);
            assertThat(cursor.hold(ROOM, a)).isTrue();
            assertThat(cursor.hold(ROOM, b)).isTrue();
            assertThat(cursor.hold(ROOM, c)).as("over the bound").isFalse();
            assertThat(a.refCnt()).isEqualTo(2);
            assertThat(c.refCnt()).isEqualTo(1);
            assertThat(cursor.peekHeld(ROOM)).isSameAs(a);
            PushFrame first = cursor.pollHeld(ROOM);
            assertThat(first).isSameAs(a);
            first.release();
            cursor.clear();
            assertThat(b.refCnt()).as("clear releases what is held").isEqualTo(1);
        } finally {
            a.release();
            b.release();
            c.release();
        }
    }

    @Test
    void shouldNotAdvanceWhenNothingWasTakenSoTheNextBatchShowsTheGap() {
        cursor.track(ROOM);
        cursor.took(ROOM, 9, 10);
        // Batch 11 was dropped for a slow consumer: the caller never reports it.
        assertThat(cursor.verdict(ROOM, 9, 12, 12)).isEqualTo(Verdict.GAP);
    }

    @Test
    void shouldSayWhichPositionsWereSent() {
        cursor.track(ROOM);
        cursor.took(ROOM, 9, 10);
        assertThat(cursor.sent(ROOM, 9, 10)).isTrue();
        assertThat(cursor.sent(ROOM, 9, 0)).isTrue();
        assertThat(cursor.sent(ROOM, 9, 11)).isFalse();
        assertThat(cursor.sent(ROOM, 8, 5)).isFalse();
        assertThat(cursor.sent("mid:1", 9, 1)).isFalse();
    }

    @Test
    void shouldStartAFreshEntryWhenAStreamIsTrackedAgain() {
        long first = cursor.track(ROOM);
        cursor.took(ROOM, 9, 10);
        PushFrame held = batch(9, 11, 1);
        cursor.recovering(ROOM, true);
        cursor.hold(ROOM, held);
        long second = cursor.track(ROOM);
        assertThat(second).isNotEqualTo(first);
        assertThat(cursor.generation(ROOM)).isEqualTo(second);
        assertThat(cursor.isKnown(ROOM)).isFalse();
        assertThat(cursor.isRecovering(ROOM)).isFalse();
        assertThat(held.refCnt()).as("the old entry's batches were released").isEqualTo(1);
        held.release();
        cursor.forget(ROOM);
        assertThat(cursor.streams()).isEmpty();
        assertThat(cursor.generation(ROOM)).isEqualTo(-1);
    }
}
