package io.jgoim.protocol;

import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The combined handler decodes like {@link ProtoFrameDecoder} and encodes like {@link ProtoEncoder}, in one context. */
@ExtendWith(LeakCheck.class)
class ProtoFrameCodecTest {
    private static Proto proto() {
        return Proto.newInstance(1, 1001, 42, Unpooled.copiedBuffer("payload", StandardCharsets.UTF_8));
    }

    @Test
    void shouldEncodeProtoExactlyAsTheSharedEncoderDoes() {
        EmbeddedChannel enc = new EmbeddedChannel(ProtoEncoder.INSTANCE);
        enc.writeOutbound(proto());
        ByteBuf expected = enc.readOutbound();
        EmbeddedChannel codec = new EmbeddedChannel(new ProtoFrameCodec(PacketLayout.DEFAULT_MAX_BODY, true));
        codec.writeOutbound(proto());
        ByteBuf actual = codec.readOutbound();
        assertThat(ByteBufUtil.hexDump(actual)).isEqualTo(ByteBufUtil.hexDump(expected));
        expected.release();
        actual.release();
        assertThat(enc.finish()).isFalse();
        assertThat(codec.finish()).isFalse();
    }

    @Test
    void shouldPassRawBuffersThroughUntouchedAndDecodeWhatItEncoded() {
        EmbeddedChannel codec = new EmbeddedChannel(new ProtoFrameCodec(PacketLayout.DEFAULT_MAX_BODY, true));
        ByteBuf raw = Unpooled.copiedBuffer("already encoded", StandardCharsets.UTF_8);
        codec.writeOutbound(raw);
        ByteBuf out = codec.readOutbound();
        assertThat(out).isSameAs(raw);
        out.release();

        EmbeddedChannel enc = new EmbeddedChannel(ProtoEncoder.INSTANCE);
        enc.writeOutbound(proto());
        codec.writeInbound((ByteBuf) enc.readOutbound());
        Proto p = codec.readInbound();
        assertThat(p.op()).isEqualTo(1001);
        assertThat(p.seq()).isEqualTo(42);
        assertThat(p.body().toString(StandardCharsets.UTF_8)).isEqualTo("payload");
        p.release();
        assertThat(enc.finish()).isFalse();
        assertThat(codec.finish()).isFalse();
    }

    @Test
    void shouldRefuseClientFramesWithServerOnlyOps() {
        EmbeddedChannel codec = new EmbeddedChannel(new ProtoFrameCodec(PacketLayout.DEFAULT_MAX_BODY, true));
        ByteBuf wire = ProtoCodec.encode(io.netty.buffer.ByteBufAllocator.DEFAULT, 1, Op.AUTH_REPLY, 1,
                Unpooled.EMPTY_BUFFER);
        assertThatThrownBy(() -> codec.writeInbound(wire)).isInstanceOf(DecoderException.class);
        codec.finishAndReleaseAll();
    }
}
