package io.jgoim.protocol.stream;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthBodyTest {
    private static final byte[] TOKEN = "{\"mid\":42,\"key\":\"\"}".getBytes(StandardCharsets.UTF_8);
    private static final List<StreamState> POSITIONS = List.of(
            StreamState.of("live://1000", 1_700_000_000_000_000L, 17), StreamState.of("mid:42", 5, 3));

    @Test
    void shouldRoundTripTokenAndPositions() {
        ByteBuf body = Unpooled.buffer();
        AuthBody.write(body, TOKEN, POSITIONS);
        assertThat(body.readableBytes()).isEqualTo(TOKEN.length + 1 + PositionList.size(POSITIONS));
        assertThat(AuthBody.separator(body)).isEqualTo(TOKEN.length);
        assertThat(bytes(AuthBody.token(body))).isEqualTo(TOKEN);
        assertThat(AuthBody.positions(body)).isEqualTo(POSITIONS);
        assertThat(body.readerIndex()).as("reading leaves the body as it was").isZero();
        body.release();
    }

    @Test
    void shouldReadAPlainTokenAsTheWholeBodyWithoutPositions() {
        ByteBuf body = Unpooled.wrappedBuffer(TOKEN);
        assertThat(AuthBody.separator(body)).isEqualTo(-1);
        assertThat(bytes(AuthBody.token(body))).isEqualTo(TOKEN);
        assertThat(AuthBody.positions(body)).isEmpty();
        body.release();
    }

    @Test
    void shouldReadAnEmptyListAfterTheSeparator() {
        ByteBuf body = Unpooled.buffer();
        AuthBody.write(body, TOKEN, List.of());
        assertThat(body.readableBytes()).isEqualTo(TOKEN.length + 2);
        assertThat(bytes(AuthBody.token(body))).isEqualTo(TOKEN);
        assertThat(AuthBody.positions(body)).isEmpty();
        body.release();
    }

    @Test
    void shouldHonourTheReaderIndexOfABodyThatIsASlice() {
        ByteBuf frame = Unpooled.buffer();
        frame.writeBytes(new byte[]{9, 9, 9});
        AuthBody.write(frame, TOKEN, POSITIONS);
        ByteBuf body = frame.slice(3, frame.readableBytes() - 3);
        frame.readerIndex(3);
        assertThat(bytes(AuthBody.token(frame))).isEqualTo(TOKEN);
        assertThat(AuthBody.positions(frame)).isEqualTo(POSITIONS);
        assertThat(AuthBody.positions(body)).isEqualTo(POSITIONS);
        frame.release();
    }

    @Test
    void shouldRefuseASeparatorWithNothingAfterIt() {
        ByteBuf body = Unpooled.buffer().writeBytes(TOKEN).writeByte(AuthBody.SEPARATOR);
        assertBadPosition(body);
        assertThat(bytes(AuthBody.token(body))).as("the token still reads").isEqualTo(TOKEN);
        body.release();
    }

    @Test
    void shouldRefuseAMalformedListAfterTheSeparator() {
        ByteBuf truncated = Unpooled.buffer();
        AuthBody.write(truncated, TOKEN, POSITIONS);
        truncated.writerIndex(truncated.writerIndex() - 1);
        assertBadPosition(truncated);
        truncated.release();

        ByteBuf trailing = Unpooled.buffer();
        AuthBody.write(trailing, TOKEN, POSITIONS);
        trailing.writeByte('x');
        assertBadPosition(trailing);
        trailing.release();

        ByteBuf tooMany = Unpooled.buffer().writeBytes(TOKEN).writeByte(0).writeByte(17);
        assertBadPosition(tooMany);
        tooMany.release();
    }

    private static void assertBadPosition(ByteBuf body) {
        assertThatThrownBy(() -> AuthBody.positions(body)).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_POSITION);
            assertThat(e.closeCode()).isEqualTo(CloseCode.PROTOCOL_ERROR);
        });
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }
}
