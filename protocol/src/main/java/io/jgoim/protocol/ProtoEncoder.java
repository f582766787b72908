package io.jgoim.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Encodes a {@link Proto} into one goim frame in a pooled direct buffer and releases the Proto. Raw
 * {@link ByteBuf}s (frames encoded once for many recipients) are not matched and pass through untouched.
 * Stateless and shared by every channel.
 */
@ChannelHandler.Sharable
public final class ProtoEncoder extends MessageToByteEncoder<Proto> {
    public static final ProtoEncoder INSTANCE = new ProtoEncoder();

    private ProtoEncoder() {
        super(Proto.class, true);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Proto msg, boolean preferDirect) {
        return ctx.alloc().ioBuffer(msg.packLength());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Proto msg, ByteBuf out) {
        ProtoCodec.writeFrame(out, msg.ver(), msg.op(), msg.seq(), msg.body());
    }
}
