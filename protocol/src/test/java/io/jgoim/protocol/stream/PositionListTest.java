package io.jgoim.protocol.stream;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PositionListTest {
    private static final long EPOCH = 1_700_000_000_000_000L;

    @Test
    void shouldRoundTripEntriesWithFlagsCodesAndExtremeValues() {
        List<StreamState> in = List.of(
                new StreamState("live://1000", EPOCH, 17, true, 0),
                new StreamState("mid:42", -1L, Long.MAX_VALUE, false, ErrorCode.EPOCH_CHANGED.code()),
                new StreamState("live://房间", 0, 0, true, ErrorCode.STREAM_FORBIDDEN.code()),
                new StreamState("x".repeat(PositionList.MAX_STREAM_BYTES), EPOCH, 1, false, 0xFFFF));
        ByteBuf buf = Unpooled.buffer();
        PositionList.write(buf, in);
        assertThat(buf.readableBytes()).isEqualTo(PositionList.size(in));
        assertThat(PositionList.read(buf)).isEqualTo(in);
        assertThat(buf.isReadable()).isFalse();
        buf.release();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, PositionList.MAX_ENTRIES})
    void shouldRoundTripUpToSixteenEntries(int count) {
        List<StreamState> in = entries(count);
        ByteBuf buf = Unpooled.buffer();
        PositionList.write(buf, in);
        assertThat(buf.getUnsignedByte(0)).isEqualTo((short) count);
        assertThat(PositionList.read(buf)).isEqualTo(in);
        buf.release();
    }

    @Test
    void shouldRefuseAnEmptyBuffer() {
        assertRefused(b -> { });
    }

    @Test
    void shouldRefuseMoreThanSixteenEntries() {
        // The count alone refuses it: no entry is read.
        assertRefused(b -> b.writeByte(PositionList.MAX_ENTRIES + 1));
        assertRefused(b -> b.writeByte(255));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 5, 6, 11, 12, 20, 27})
    void shouldRefuseAListTruncatedAnywhere(int keep) {
        ByteBuf whole = Unpooled.buffer();
        PositionList.write(whole, List.of(StreamState.of("mid:42", EPOCH, 9)));
        assertThat(whole.readableBytes()).isEqualTo(28);
        assertRefused(b -> b.writeBytes(whole, 0, keep));
        whole.release();
    }

    @Test
    void shouldRefuseACountLargerThanTheEntriesPresent() {
        assertRefused(b -> {
            b.writeByte(2);
            entry(b, 0, 0, "mid:42".getBytes(StandardCharsets.UTF_8), EPOCH, 1);
        });
    }

    @Test
    void shouldRefuseTrailingBytes() {
        assertRefused(b -> {
            b.writeByte(1);
            entry(b, 0, 0, "mid:42".getBytes(StandardCharsets.UTF_8), EPOCH, 1);
            b.writeByte(0);
        });
        assertRefused(b -> b.writeByte(0).writeByte(0));
    }

    @Test
    void shouldRefuseAnEmptyStreamName() {
        assertRefused(b -> {
            b.writeByte(1);
            entry(b, 0, 0, new byte[0], EPOCH, 1);
        });
    }

    @Test
    void shouldRefuseAStreamNameOverTheLimit() {
        assertRefused(b -> {
            b.writeByte(1);
            entry(b, 0, 0, new byte[PositionList.MAX_STREAM_BYTES + 1], EPOCH, 1);
        });
    }

    @Test
    void shouldRefuseAStreamNameThatIsNotUtf8() {
        assertRefused(b -> {
            b.writeByte(1);
            entry(b, 0, 0, new byte[]{'m', 'i', 'd', ':', (byte) 0xC3}, EPOCH, 1);
        });
        assertRefused(b -> {
            b.writeByte(1);
            entry(b, 0, 0, new byte[]{(byte) 0xFF, (byte) 0xFE}, EPOCH, 1);
        });
    }

    @Test
    void shouldRefuseANegativeOffset() {
        assertRefused(b -> {
            b.writeByte(1);
            entry(b, 0, 0, "mid:42".getBytes(StandardCharsets.UTF_8), EPOCH, -1);
        });
        assertRefused(b -> {
            b.writeByte(1);
            entry(b, 0, 0, "mid:42".getBytes(StandardCharsets.UTF_8), EPOCH, Long.MIN_VALUE);
        });
    }

    @Test
    void shouldRefuseAStreamNamedTwice() {
        byte[] name = "live://1000".getBytes(StandardCharsets.UTF_8);
        assertRefused(b -> {
            b.writeByte(2);
            entry(b, 0, 0, name, EPOCH, 1);
            entry(b, 1, 0, name, EPOCH + 1, 2);
        });
    }

    @Test
    void shouldRefuseToWriteWhatAReaderWouldRefuseAndWriteNothing() {
        List<List<StreamState>> bad = List.of(
                entries(PositionList.MAX_ENTRIES + 1),
                List.of(StreamState.of("", EPOCH, 1)),
                List.of(StreamState.of("x".repeat(PositionList.MAX_STREAM_BYTES + 1), EPOCH, 1)),
                List.of(StreamState.of("é".repeat(128), EPOCH, 1)),
                List.of(StreamState.of("mid:1", EPOCH, 1), StreamState.of("mid:2", EPOCH, -1)),
                List.of(StreamState.of("mid:1", EPOCH, 1), StreamState.of("mid:1", EPOCH, 2)),
                List.of(new StreamState("mid:1", EPOCH, 1, false, 70_000)));
        for (List<StreamState> entries : bad) {
            ByteBuf buf = Unpooled.buffer();
            assertThatThrownBy(() -> PositionList.write(buf, entries)).isInstanceOf(IllegalArgumentException.class);
            assertThat(buf.writerIndex()).as("nothing written for %s", entries).isZero();
            buf.release();
        }
    }

    private static List<StreamState> entries(int count) {
        List<StreamState> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(StreamState.of("live://" + i, EPOCH + i, i));
        }
        return out;
    }

    static void entry(ByteBuf b, int flags, int code, byte[] name, long epoch, long offset) {
        b.writeByte(flags).writeShort(code).writeShort(name.length).writeBytes(name).writeLong(epoch).writeLong(offset);
    }

    /** The list {@code content} writes is refused with BAD_POSITION (12) and PROTOCOL_ERROR (4504). */
    static void assertRefused(Consumer<ByteBuf> content) {
        ByteBuf buf = Unpooled.buffer();
        content.accept(buf);
        try {
            assertThatThrownBy(() -> PositionList.read(buf))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_POSITION);
                        assertThat(e.errorCode().code()).isEqualTo(12);
                        assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
                    });
        } finally {
            buf.release();
        }
    }
}
