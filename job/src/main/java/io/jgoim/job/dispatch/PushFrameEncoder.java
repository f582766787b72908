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

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes pushes once: each message becomes one goim frame (ver 1, op = its operation, seq 0, body = its msg), a room
 * batch becomes its frames back to back, and the result is wrapped in an op-9 (raw) {@link Proto} whose bytes every
 * comet receives unchanged. One exact-size array per message or batch, wrapped without a copy. A batch whose room keeps
 * history is encoded as one array per message instead ({@link #frames}): those arrays are the history entries, and
 * the request body is a rope over them ({@link #join}), so the bytes are written once for both. Not comet's session
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

    /** Each task's frame as its own exact-size array, in order: the entries a room batch appends to its history. */
    public static List<byte[]> frames(List<PushTask> tasks) {
        List<byte[]> out = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            PushMsg m = tasks.get(i).message();
            byte[] f = new byte[frameLength(m)];
            write(Unpooled.wrappedBuffer(f).writerIndex(0), f, m);
            out.add(f);
        }
        return out;
    }

    /**
     * The raw frame of {@code frames[from, to)} back to back, the same bytes {@link #batch} writes. The arrays are
     * wrapped, not copied (a balanced rope); callers must not change them afterwards.
     */
    public static Proto join(List<byte[]> frames, int from, int to) {
        if (to - from == 1) {
            return raw(UnsafeByteOperations.unsafeWrap(frames.get(from)));
        }
        List<ByteString> parts = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            parts.add(UnsafeByteOperations.unsafeWrap(frames.get(i)));
        }
        return raw(ByteString.copyFrom(parts));
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
