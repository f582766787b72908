package io.jgoim.loadtest.metrics;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;

/**
 * The load tool's message body, written by the push drivers and read by the receivers. Binary, big-endian:
 *
 * <pre>
 *   offset  size  field
 *        0     4  magic 0x4A474C54 ("JGLT")
 *        4     4  publisher id (one per publishing process)
 *        8     8  sequence number, 0-based and gapless per publisher
 *       16     8  intended send time, nanoseconds since the Unix epoch (open loop: the schedule, not the actual send)
 *       24     n  padding ('x') up to the configured payload size
 * </pre>
 *
 * A receiver computes end-to-end latency as its own epoch clock minus the intended send time, so latency includes any
 * delay of the publisher itself (no coordinated omission). Publisher and receivers must share a clock: run them on
 * one machine, or on machines synchronised well below the latencies measured. Stateless.
 */
public final class Payload {
    public static final int MAGIC = 0x4A474C54;
    public static final int HEADER_SIZE = 24;
    /** The publisher id of unmeasured warm-up messages: receivers count them apart and time none of them. */
    public static final int PREWARM_PUBLISHER = -1;

    private Payload() {
    }

    /** A payload of {@code size} bytes (at least {@link #HEADER_SIZE}). */
    public static byte[] encode(int publisherId, long sequence, long intendedEpochNanos, int size) {
        byte[] out = new byte[Math.max(size, HEADER_SIZE)];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(MAGIC).putInt(publisherId).putLong(sequence).putLong(intendedEpochNanos);
        while (b.hasRemaining()) {
            b.put((byte) 'x');
        }
        return out;
    }

    /** True when {@code body} starts with a load-tool header. */
    public static boolean isPayload(ByteBuf body) {
        return body.readableBytes() >= HEADER_SIZE && body.getInt(body.readerIndex()) == MAGIC;
    }

    public static int publisherId(ByteBuf body) {
        return body.getInt(body.readerIndex() + 4);
    }

    public static long sequence(ByteBuf body) {
        return body.getLong(body.readerIndex() + 8);
    }

    public static long sendEpochNanos(ByteBuf body) {
        return body.getLong(body.readerIndex() + 16);
    }
}
