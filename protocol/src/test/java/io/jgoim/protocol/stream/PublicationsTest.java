package io.jgoim.protocol.stream;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublicationsTest {
    private static final long EPOCH = 1_700_000_000_000_000L;

    @Test
    void shouldWriteHeaderAndPrefixThatReadBack() {
        ByteBuf frames = Unpooled.buffer();
        ProtoCodec.writeHeader(frames, 1, 1, 1000, 0);
        frames.writeByte('a');
        ProtoCodec.writeHeader(frames, 2, 1, 1001, 0);
        frames.writeByte('b').writeByte('c');
        byte[] stream = Publications.streamBytes("live://房间");
        ByteBuf out = Unpooled.buffer();
        Publications.writeHeader(out, stream, EPOCH, 7, frames.readableBytes());
        out.writeBytes(frames, frames.readerIndex(), frames.readableBytes());

        assertThat(out.getInt(PacketLayout.PACK_LEN_OFFSET)).isEqualTo(out.readableBytes());
        assertThat(out.getShort(PacketLayout.VER_OFFSET)).isEqualTo(PacketLayout.VERSION_POSITIONS);
        assertThat(out.getInt(PacketLayout.OP_OFFSET)).isEqualTo(Op.PUBLICATIONS);
        assertThat(out.getInt(PacketLayout.SEQ_OFFSET)).isZero();
        ByteBuf body = out.slice(PacketLayout.BODY_OFFSET, out.readableBytes() - PacketLayout.BODY_OFFSET);
        assertThat(body.readableBytes()).isEqualTo(Publications.prefixLength(stream.length) + frames.readableBytes());

        Publications.Batch batch = Publications.read(body);
        assertThat(batch.stream()).isEqualTo("live://房间");
        assertThat(batch.epoch()).isEqualTo(EPOCH);
        assertThat(batch.firstOffset()).isEqualTo(7);
        assertThat(batch.frames()).isEqualTo(frames);
        frames.release();
        out.release();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 5, 12, 20})
    void shouldRefuseATruncatedPrefix(int keep) {
        ByteBuf whole = prefix("live://1000".getBytes(StandardCharsets.UTF_8), EPOCH, 1);
        assertThat(whole.readableBytes()).isEqualTo(Publications.prefixLength(11));
        assertRefused(whole.copy(0, keep));
        whole.release();
    }

    @Test
    void shouldReadAPrefixWithNoFrames() {
        ByteBuf body = prefix("mid:42".getBytes(StandardCharsets.UTF_8), EPOCH, 3);
        Publications.Batch batch = Publications.read(body);
        assertThat(batch.stream()).isEqualTo("mid:42");
        assertThat(batch.frames().isReadable()).isFalse();
        body.release();
    }

    @Test
    void shouldRefuseEmptyOverlongAndNonUtf8StreamNames() {
        assertRefused(prefix(new byte[0], EPOCH, 1));
        assertRefused(prefix(new byte[PositionList.MAX_STREAM_BYTES + 1], EPOCH, 1));
        assertRefused(prefix(new byte[]{'m', (byte) 0xC3}, EPOCH, 1));
    }

    @Test
    void shouldRefuseAFirstOffsetBelowOne() {
        assertRefused(prefix("mid:42".getBytes(StandardCharsets.UTF_8), EPOCH, 0));
        assertRefused(prefix("mid:42".getBytes(StandardCharsets.UTF_8), EPOCH, -5));
    }

    @Test
    void shouldRefuseToWriteAHeaderItsReaderWouldRefuse() {
        ByteBuf out = Unpooled.buffer();
        assertThatThrownBy(() -> Publications.writeHeader(out, new byte[0], EPOCH, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Publications.writeHeader(out, new byte[256], EPOCH, 1, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Publications.writeHeader(out, new byte[]{'m'}, EPOCH, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.writerIndex()).isZero();
        out.release();
    }

    private static ByteBuf prefix(byte[] stream, long epoch, long first) {
        return Unpooled.buffer().writeShort(stream.length).writeBytes(stream).writeLong(epoch).writeLong(first);
    }

    /** Refused with BAD_PACKET (1) and PROTOCOL_ERROR (4504); releases {@code body}. */
    private static void assertRefused(ByteBuf body) {
        try {
            assertThatThrownBy(() -> Publications.read(body)).isInstanceOfSatisfying(ProtocolException.class, e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PACKET);
                assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
            });
        } finally {
            body.release();
        }
    }
}
