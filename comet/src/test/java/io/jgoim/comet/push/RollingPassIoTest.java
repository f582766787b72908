package io.jgoim.comet.push;

import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling pass ({@code fanout.rollingChunk}) lets its loop poll its sockets between two chunks: on a real Netty
 * loop whose I/O handler counts its rounds, a pass of 40 members in chunks of 1 sees a round of I/O before every
 * chunk after the first. (Netty 4.2 runs a loop's task queue until it is empty before polling again, so a chunk that
 * re-queued itself with {@code execute} ran the whole pass without one read: heartbeats and job's gRPC room calls,
 * read on the same loops, waited for the whole pass.)
 */
@ExtendWith(LeakCheck.class)
class RollingPassIoTest {
    private static final int MEMBERS = 40;

    /** An I/O handler with no I/O: it counts the loop's polling rounds and sleeps as a selector would. */
    private static final class CountingIo implements IoHandler {
        final AtomicInteger rounds = new AtomicInteger();
        private final Semaphore wake = new Semaphore(0);

        @Override
        public int run(IoHandlerContext context) {
            rounds.incrementAndGet();
            if (context.canBlock()) {
                try {
                    wake.tryAcquire(Math.max(0, Math.min(context.delayNanos(System.nanoTime()),
                            TimeUnit.MILLISECONDS.toNanos(10))), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                wake.drainPermits();
            }
            return 0;
        }

        @Override
        public IoRegistration register(IoHandle handle) {
            throw new UnsupportedOperationException("no I/O here");
        }

        @Override
        public void wakeup() {
            wake.release();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return false;
        }
    }

    private final TestSessions sessions = new TestSessions();
    private final CountingIo io = new CountingIo();
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, executor -> io);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private static PushFrame frame(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer();
        ProtoCodec.writeHeader(buf, b.length, PacketLayout.VERSION, 1000, 0);
        buf.writeBytes(b);
        return new PushFrame(buf, ByteBufAllocator.DEFAULT);
    }

    @Test
    void shouldPollTheLoopsSocketsBetweenTwoChunksOfARollingPass() throws Exception {
        EventLoop loop = group.next();
        SessionLoops loops = new SessionLoops(loop);
        SessionIndex index = new SessionIndex(4, 16, loops);
        RoomBroadcaster broadcaster = new RoomBroadcaster(loops, sessions.metrics, 1);
        loop.submit(() -> {
            for (int i = 0; i < MEMBERS; i++) {
                EmbeddedChannel ch = new EmbeddedChannel();
                channels.add(ch);
                index.register(sessions.session(ch, SessionTransport.TCP, "k" + i, 0), "live://1");
            }
        }).sync();

        int before = loop.submit(io.rounds::get).get();
        CompletableFuture<Integer> roundsAtTheEnd = new CompletableFuture<>();
        PushFrame f = frame("m1");
        CompletableFuture<RoomBroadcaster.Delivery> result;
        try {
            result = broadcaster.broadcastRoom(index.room("live://1"), f);
        } finally {
            f.release();
        }
        // completed on the loop by the pass's last chunk
        result.thenRun(() -> roundsAtTheEnd.complete(io.rounds.get()));

        assertThat(result.get(10, TimeUnit.SECONDS).delivered()).isEqualTo(MEMBERS);
        assertThat(roundsAtTheEnd.get(10, TimeUnit.SECONDS) - before)
                .as("rounds of I/O while the pass of %d one-member chunks was written", MEMBERS)
                .isGreaterThanOrEqualTo(MEMBERS - 1);
        loop.submit(() -> {
            for (EmbeddedChannel ch : channels) {
                Object out = ch.readOutbound();
                assertThat(out).isInstanceOf(ByteBuf.class);
                Object more = ch.readOutbound();
                assertThat(more).as("one write per member").isNull();
                ReferenceCountUtil.release(out);
            }
        }).sync();
    }
}
