package io.jgoim.comet.push;

import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event loops' load-following coalescing ({@link LoopFanOut}): the loop owner is an embedded loop whose tasks run
 * only when the test says so, so "the loop is busy" is exact: pushes handed over before it runs gather into one pass.
 */
@ExtendWith(LeakCheck.class)
class LoopCoalescingTest {
    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final SessionIndex index = new SessionIndex(4, 16, loops);
    private final RoomBroadcaster broadcaster = new RoomBroadcaster(loops, sessions.metrics);

    private static PushFrame frame(int op, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer();
        ProtoCodec.writeHeader(buf, b.length, PacketLayout.VERSION, op, 0);
        buf.writeBytes(b);
        return new PushFrame(buf, ByteBufAllocator.DEFAULT);
    }

    private static PushFrame positioned(String stream, long epoch, long offset, String body) {
        PushFrame plain = frame(1000, body);
        ByteBuf tcp = plain.tcp().retainedDuplicate();
        plain.release();
        return new PushFrame(tcp, ByteBufAllocator.DEFAULT, new PushFrame.Position(stream, epoch, offset, 1));
    }

    private Session member(EmbeddedChannel ch, SessionTransport t, String key, String room) {
        Session s = sessions.session(ch, t, key, 0);
        index.register(s, room == null ? "" : room);
        return s;
    }

    /** Each write the channel got, as the bodies of the goim frames it carries (a WebSocket write: its op-9's). */
    private static List<List<String>> writes(EmbeddedChannel ch) {
        List<List<String>> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            int at = b.readerIndex();
            if (b.getUnsignedByte(at) == 0x82) {
                // a whole WebSocket message (a goim frame this small starts with a zero byte): its header, op-9's
                int len7 = b.getUnsignedByte(at + 1);
                at += len7 <= 125 ? 2 : len7 == 126 ? 4 : 10;
                assertThat(b.getInt(at + PacketLayout.OP_OFFSET)).isEqualTo(Op.RAW);
                at += PacketLayout.HEADER_LENGTH;
            }
            List<String> bodies = new ArrayList<>();
            while (at < b.writerIndex()) {
                int len = b.getInt(at);
                bodies.add(b.toString(at + PacketLayout.HEADER_LENGTH, len - PacketLayout.HEADER_LENGTH,
                        StandardCharsets.UTF_8));
                at += len;
            }
            out.add(bodies);
            io.netty.util.ReferenceCountUtil.release(o);
        }
        return out;
    }

    private CompletableFuture<RoomBroadcaster.Delivery> toRoom(String room, PushFrame f) {
        try {
            return broadcaster.broadcastRoom(index.room(room), f);
        } finally {
            f.release();
        }
    }

    @Test
    void shouldWriteAnIdleRoomsSingleMessageAloneWithoutATimer() throws Exception {
        EmbeddedChannel tcp = new EmbeddedChannel();
        EmbeddedChannel ws = new EmbeddedChannel();
        member(tcp, SessionTransport.TCP, "t", "live://idle");
        member(ws, SessionTransport.WEBSOCKET, "w", "live://idle");
        PushFrame f = frame(1000, "m1");
        f.retain();
        var result = toRoom("live://idle", f);

        loopOwner.runPendingTasks();

        assertThat(result).isCompleted();
        assertThat(result.get().delivered()).isEqualTo(2);
        assertThat(loopOwner.runScheduledPendingTasks()).as("no timer is involved").isEqualTo(-1);
        Object out = tcp.readOutbound();
        assertThat(((ByteBuf) out).memoryAddress()).as("the push's own buffer, not a copy")
                .isEqualTo(f.tcp().memoryAddress());
        ((ByteBuf) out).release();
        assertThat(writes(ws)).containsExactly(List.of("m1"));
        assertThat(sessions.metrics.fanOutMessagesPerWrite()).isEqualTo(1.0);
        f.release();
    }

    @Test
    void shouldGatherWhatArrivesWhileTheLoopIsBusyIntoOneWritePerSession() throws Exception {
        EmbeddedChannel tcp = new EmbeddedChannel();
        EmbeddedChannel ws = new EmbeddedChannel();
        EmbeddedChannel other = new EmbeddedChannel();
        member(tcp, SessionTransport.TCP, "t", "live://busy");
        member(ws, SessionTransport.WEBSOCKET, "w", "live://busy");
        member(other, SessionTransport.TCP, "o", "live://other");
        List<CompletableFuture<RoomBroadcaster.Delivery>> results = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            results.add(toRoom("live://busy", frame(1000, "m" + i)));
            if (i == 3) {
                results.add(toRoom("live://other", frame(1000, "x")));
            }
        }

        loopOwner.runPendingTasks();

        for (var r : results) {
            assertThat(r).isCompleted();
        }
        assertThat(results.get(0).get().delivered()).as("each message counts the sessions its write reached")
                .isEqualTo(2);
        List<String> all = List.of("m1", "m2", "m3", "m4", "m5");
        assertThat(writes(tcp)).as("one write carrying the five, in order").containsExactly(all);
        assertThat(writes(ws)).as("one WebSocket message: one op-9 around the five").containsExactly(all);
        assertThat(writes(other)).containsExactly(List.of("x"));
        // 5 messages in 1 write (the busy room) and 1 in 1 (the other room)
        assertThat(sessions.metrics.fanOutMessagesPerWrite()).isEqualTo(3.0);
    }

    @Test
    void shouldKeepOrderAcrossGatheredPasses() {
        EmbeddedChannel tcp = new EmbeddedChannel();
        member(tcp, SessionTransport.TCP, "t", "live://r");
        toRoom("live://r", frame(1000, "1"));
        toRoom("live://r", frame(1000, "2"));
        loopOwner.runPendingTasks();
        toRoom("live://r", frame(1000, "3"));
        loopOwner.runPendingTasks();
        toRoom("live://r", frame(1000, "4"));
        toRoom("live://r", frame(1000, "5"));
        toRoom("live://r", frame(1000, "6"));
        loopOwner.runPendingTasks();

        assertThat(writes(tcp)).containsExactly(List.of("1", "2"), List.of("3"), List.of("4", "5", "6"));
    }

    @Test
    void shouldJoinPositionedPushesOnlyWhereTheyContinueOneAnother() {
        EmbeddedChannel tcp = new EmbeddedChannel();
        member(tcp, SessionTransport.TCP, "t", "live://p");
        toRoom("live://p", positioned("live://p", 7, 10, "a"));
        toRoom("live://p", positioned("live://p", 7, 11, "b"));
        toRoom("live://p", positioned("live://p", 8, 1, "c")); // a new epoch: cannot join b
        toRoom("live://p", frame(1000, "d"));                   // no position: cannot join c
        toRoom("live://p", frame(1000, "e"));
        loopOwner.runPendingTasks();

        assertThat(writes(tcp)).as("one pass, one flush, three writes, the original order")
                .containsExactly(List.of("a", "b"), List.of("c"), List.of("d", "e"));
    }

    @Test
    void shouldWriteABroadcastAfterWhatCameBeforeItAndBeforeWhatCameAfter() {
        EmbeddedChannel tcp = new EmbeddedChannel();
        member(tcp, SessionTransport.TCP, "t", "live://r").watch(new int[] {1000});
        toRoom("live://r", frame(1000, "r1"));
        PushFrame b1 = frame(1000, "b1");
        broadcaster.broadcast(b1, 1000, 0);
        b1.release();
        PushFrame b2 = frame(1000, "b2");
        broadcaster.broadcast(b2, 1000, 0);
        b2.release();
        toRoom("live://r", frame(1000, "r2"));
        loopOwner.runPendingTasks();

        assertThat(writes(tcp)).containsExactly(List.of("r1"), List.of("b1", "b2"), List.of("r2"));
    }
}
