package io.jgoim.comet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Read-buffer sizing for sessions with a per-channel handle of one 40-byte object. Netty's
 * {@code AdaptiveRecvByteBufAllocator} gives every channel a handle, its size calculator and a supplier (128 bytes
 * under ZGC) that an idle session keeps for its whole life; this handle keeps the same counters and the buffer
 * size as a power-of-two exponent.
 *
 * <p>Sizing: reads start at {@value #INITIAL} bytes, between {@value #MIN} and {@value #MAX}. A read that fills its
 * buffer doubles the next one at once; a read pass that used at most half the buffer twice in a row halves it (so
 * a burst grows the buffer fast and an idle session drifts back to small reads). Reading continues, as with
 * Netty's allocator, only while auto-read is on, the transport says more data may be there, fewer than
 * {@code maxMessagesPerRead} reads were done and the last one read something. One shared instance; each handle is
 * used on its channel's event loop only.
 */
public final class SessionRecvAllocator implements RecvByteBufAllocator {
    static final int MIN = 64;
    static final int INITIAL = 2048;
    static final int MAX = 65536;
    private static final byte MIN_SHIFT = (byte) Integer.numberOfTrailingZeros(MIN);
    private static final byte INITIAL_SHIFT = (byte) Integer.numberOfTrailingZeros(INITIAL);
    private static final byte MAX_SHIFT = (byte) Integer.numberOfTrailingZeros(MAX);

    private final int maxMessagesPerRead;

    /** @param maxMessagesPerRead reads per read pass at most (Netty's allocators default to 1 when set as an option) */
    public SessionRecvAllocator(int maxMessagesPerRead) {
        if (maxMessagesPerRead <= 0) {
            throw new IllegalArgumentException("maxMessagesPerRead must be positive: " + maxMessagesPerRead);
        }
        this.maxMessagesPerRead = maxMessagesPerRead;
    }

    @Override
    public Handle newHandle() {
        return new SessionHandle(maxMessagesPerRead);
    }

    /** One channel's read counters and buffer size. Event loop only. */
    static final class SessionHandle implements ExtendedHandle {
        private ChannelConfig config;
        private final int maxMessages;
        private int messages;
        private int bytesRead;
        private int attempted;
        private int last;
        private byte shift = INITIAL_SHIFT;
        private boolean shrinkNext;

        SessionHandle(int maxMessages) {
            this.maxMessages = maxMessages;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return 1 << shift;
        }

        @Override
        public void reset(ChannelConfig config) {
            this.config = config;
            messages = 0;
            bytesRead = 0;
        }

        @Override
        public void incMessagesRead(int n) {
            messages += n;
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes > 0 && bytes == attempted && shift < MAX_SHIFT) {
                // The buffer was filled: more is probably waiting, read it with a bigger one.
                shift++;
                shrinkNext = false;
            }
            last = bytes;
            if (bytes > 0) {
                bytesRead += bytes;
            }
        }

        @Override
        public int lastBytesRead() {
            return last;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attempted = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attempted;
        }

        @Override
        public boolean continueReading() {
            return config.isAutoRead() && attempted == last && messages < maxMessages && bytesRead > 0;
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
            return config.isAutoRead() && maybeMoreData.get() && messages < maxMessages && bytesRead > 0;
        }

        @Override
        public void readComplete() {
            if (bytesRead <= guess() >>> 1 && shift > MIN_SHIFT) {
                if (shrinkNext) {
                    shift--;
                    shrinkNext = false;
                } else {
                    shrinkNext = true;
                }
            } else {
                shrinkNext = false;
            }
        }
    }
}
