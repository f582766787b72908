package io.jgoim.job.dispatch;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.comet.Proto;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;

/**
 * Encodes pushes once: each message becomes one goim frame (ver 1, op = its operation, seq 0, body = its msg), a room
 * batch becomes its frames back to back, and the result is wrapped in an op-9 (raw) {@link Proto} whose bytes every
 * comet receives unchanged. One exact-size array per message or batch, wrapped without a copy. Not comet's session
 * frames: these are the job-side bytes a comet forwards as they are. Stateless.
 */
public final class PushFrameEncoder {
    private PushFrameEncoder() {
    }

    /** The length of {@code msg} as one encoded frame. */
    public static int frameLength(PushMsg msg) {
        return PacketLayout.HEADER_LENGTH + msg.getMsg().size();
    }

    /** The raw frame for one message. */
    public static Proto single(PushMsg msg) {
        byte[] out = new byte[frameLength(msg)];
        write(Unpooled.wrappedBuffer(out).writerIndex(0), out, msg);
        return raw(UnsafeByteOperations.unsafeWrap(out));
    }

    /** The raw frame for a batch: the tasks' frames in order; {@code totalBytes} is the sum of their lengths. */
    public static Proto batch(List<PushTask> tasks, int totalBytes) {
        byte[] out = new byte[totalBytes];
        ByteBuf buf = Unpooled.wrappedBuffer(out).writerIndex(0);
        for (int i = 0; i < tasks.size(); i++) {
            write(buf, out, tasks.get(i).message());
        }
        return raw(UnsafeByteOperations.unsafeWrap(out));
    }

    private static void write(ByteBuf buf, byte[] array, PushMsg msg) {
        ByteString body = msg.getMsg();
        ProtoCodec.writeHeader(buf, body.size(), PacketLayout.VERSION, msg.getOperation(), 0);
        body.copyTo(array, buf.writerIndex());
        buf.writerIndex(buf.writerIndex() + body.size());
    }

    private static Proto raw(ByteString frames) {
        return Proto.newBuilder().setVer(PacketLayout.VERSION).setOp(Op.RAW).setSeq(0).setBody(frames).build();
    }
}
