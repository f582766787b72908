package io.jgoim.comet.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionRecvAllocatorTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private RecvByteBufAllocator.ExtendedHandle handle(int maxMessages) {
        return (RecvByteBufAllocator.ExtendedHandle) new SessionRecvAllocator(maxMessages).newHandle();
    }

    /** One read pass of {@code bytes} into a buffer of the current guess. */
    private static void pass(RecvByteBufAllocator.Handle h, io.netty.channel.ChannelConfig config, int bytes) {
        h.reset(config);
        h.attemptedBytesRead(h.guess());
        h.lastBytesRead(bytes);
        h.incMessagesRead(1);
        h.readComplete();
    }

    @Test
    void shouldStartAt2KiBAndAllocateThatMuch() {
        RecvByteBufAllocator.ExtendedHandle h = handle(1);
        h.reset(channel.config());
        assertEquals(2048, h.guess());
        ByteBuf b = h.allocate(UnpooledByteBufAllocator.DEFAULT);
        try {
            assertEquals(2048, b.capacity());
        } finally {
            b.release();
        }
    }

    @Test
    void shouldDoubleAfterAFilledReadUpTo64KiB() {
        RecvByteBufAllocator.ExtendedHandle h = handle(1);
        pass(h, channel.config(), 2048);
        assertEquals(4096, h.guess());
        for (int i = 0; i < 20; i++) {
            pass(h, channel.config(), h.guess());
        }
        assertEquals(65536, h.guess());
    }

    @Test
    void shouldHalveOnlyAfterTwoSmallPassesInARowDownTo64() {
        RecvByteBufAllocator.ExtendedHandle h = handle(1);
        pass(h, channel.config(), 16);
        assertEquals(2048, h.guess(), "one small pass does not shrink");
        pass(h, channel.config(), 16);
        assertEquals(1024, h.guess());
        pass(h, channel.config(), 16);
        pass(h, channel.config(), 1000);
        pass(h, channel.config(), 16);
        assertEquals(1024, h.guess(), "a pass using more than half resets the count");
        for (int i = 0; i < 40; i++) {
            pass(h, channel.config(), 0);
        }
        assertEquals(64, h.guess());
    }

    @Test
    void shouldContinueReadingOnlyWithAutoReadMoreDataRoomAndBytes() {
        RecvByteBufAllocator.ExtendedHandle h = handle(2);
        h.reset(channel.config());
        h.attemptedBytesRead(2048);
        h.lastBytesRead(2048);
        h.incMessagesRead(1);
        assertTrue(h.continueReading(() -> true));
        assertTrue(h.continueReading(), "the buffer was filled: more may wait");
        assertFalse(h.continueReading(() -> false), "the transport says nothing more is there");
        h.incMessagesRead(1);
        assertFalse(h.continueReading(() -> true), "maxMessagesPerRead reached");

        h.reset(channel.config());
        h.attemptedBytesRead(2048);
        h.lastBytesRead(0);
        h.incMessagesRead(1);
        assertFalse(h.continueReading(() -> true), "nothing read");

        channel.config().setAutoRead(false);
        h.reset(channel.config());
        h.attemptedBytesRead(2048);
        h.lastBytesRead(100);
        assertFalse(h.continueReading(() -> true), "auto-read off");
        assertEquals(100, h.lastBytesRead());
        assertEquals(2048, h.attemptedBytesRead());
    }

    @Test
    void shouldReadOncePerPassWithOneMessagePerRead() {
        RecvByteBufAllocator.ExtendedHandle h = handle(1);
        h.reset(channel.config());
        h.attemptedBytesRead(2048);
        h.lastBytesRead(2048);
        h.incMessagesRead(1);
        assertFalse(h.continueReading(() -> true));
    }

    @Test
    void shouldRefuseANonPositiveMaxMessages() {
        assertThrows(IllegalArgumentException.class, () -> new SessionRecvAllocator(0));
    }
}
