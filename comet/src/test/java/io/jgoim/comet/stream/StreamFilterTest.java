package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which messages a session skips (not written, cursor advanced): audience first, then goim's op filter. */
class StreamFilterTest {
    private final StreamFilter filter = new StreamFilter("k-a", op -> op == 1000);

    @Test
    void shouldSkipAMessageAddressedToOtherKeysOnAnyStream() {
        assertThat(filter.skips("mid:1", 1000, Set.of("k-b"))).isTrue();
        assertThat(filter.skips("mid:1", 1000, Set.of())).isTrue();
        assertThat(filter.skips("mid:1", 1000, Set.of("k-b", "k-a"))).isFalse();
        assertThat(filter.skips("mid:1", 1000, null)).isFalse();
        assertThat(filter.skips("live://1", StreamFilter.ANY_OP, List.of("k-b"))).isTrue();
    }

    @Test
    void shouldSkipUnwatchedOpsOnMemberAndBroadcastStreamsButNeverOnRooms() {
        assertThat(filter.skips("mid:1", 1001, null)).isTrue();
        assertThat(filter.skips("broadcast", 1001, null)).isTrue();
        assertThat(filter.skips("broadcast", 1000, null)).isFalse();
        assertThat(filter.skips("live://1", 1001, null)).as("goim never filters room pushes by op").isFalse();
        assertThat(filter.skips("mid:1", StreamFilter.ANY_OP, null)).as("unknown op").isFalse();
    }

    @Test
    void shouldReadTheOpOfAHistoryEntry() {
        byte[] frame = ByteBuffer.allocate(18).putInt(18).putShort((short) 16).putShort((short) 1).putInt(1234)
                .putInt(0).putShort((short) 0x6869).array();
        assertThat(StreamFilter.op(ByteString.copyFrom(frame))).isEqualTo(1234);
        assertThat(StreamFilter.op(ByteString.copyFrom(new byte[15]))).isEqualTo(StreamFilter.ANY_OP);
    }
}
