package io.jgoim.comet.push;

import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LeakCheck.class)
class RoomBroadcasterTest {
    private static final String INNER = "0000001700100001000003e8000000007b226e223a307d";

    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final SessionIndex index = new SessionIndex(4, 16, loops);
    private final RoomBroadcaster broadcaster = new RoomBroadcaster(loops, sessions.metrics);

    private PushFrame frame() {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer();
        b.writeBytes(ByteBufUtil.decodeHexDump(INNER));
        return new PushFrame(b, ByteBufAllocator.DEFAULT);
    }

    private Session member(EmbeddedChannel ch, SessionTransport t, String key, String room) {
        Session s = sessions.session(ch, t, key, 0);
        index.register(s, room == null ? "" : room);
        return s;
    }

    @Test
    void shouldWriteOneSharedBufferToEveryMemberAndWrapOnceForWebSocket() throws Exception {
        List<EmbeddedChannel> tcp = new ArrayList<>();
        List<EmbeddedChannel> ws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tcp.add(new EmbeddedChannel());
            member(tcp.get(i), SessionTransport.TCP, "t" + i, "live://r");
            ws.add(new EmbeddedChannel());
            member(ws.get(i), SessionTransport.WEBSOCKET, "w" + i, "live://r");
        }
        EmbeddedChannel outsider = new EmbeddedChannel();
        member(outsider, SessionTransport.TCP, "o", "live://other");

        PushFrame f = frame();
        var result = broadcaster.broadcastRoom(index.room("live://r"), f);
        loopOwner.runPendingTasks();
        assertThat(result.get().delivered()).isEqualTo(6);

        for (EmbeddedChannel ch : tcp) {
            ByteBuf out = ch.readOutbound();
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(INNER);
            assertThat(out.memoryAddress()).as("a duplicate of the one encoded buffer")
                    .isEqualTo(f.tcp().memoryAddress());
            out.release();
        }
        long firstWrapped = 0;
        for (EmbeddedChannel ch : ws) {
            ByteBuf out = ch.readOutbound();
            // the whole WebSocket frame: FIN + binary, 39 bytes of op-9 frame around the pushed frame
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo("8227" + "000000270010000100000009" + "00000000" + INNER);
            if (firstWrapped == 0) {
                firstWrapped = out.memoryAddress();
            }
            assertThat(out.memoryAddress()).as("one framed message shared by all").isEqualTo(firstWrapped);
            out.release();
        }
        assertThat((Object) outsider.readOutbound()).isNull();
        f.release();
        assertThat(f.refCnt()).isZero();
    }

    @Test
    void shouldFilterBroadcastByWatchedOps() throws Exception {
        EmbeddedChannel watching = new EmbeddedChannel();
        EmbeddedChannel other = new EmbeddedChannel();
        member(watching, SessionTransport.TCP, "a", null).watch(new int[] {1000});
        member(other, SessionTransport.TCP, "b", null);
        PushFrame f = frame();
        var result = broadcaster.broadcast(f, 1000, 0);
        loopOwner.runPendingTasks();
        assertThat(result.get().delivered()).isEqualTo(1);
        ByteBuf out = watching.readOutbound();
        out.release();
        assertThat((Object) other.readOutbound()).isNull();
        // ops below 1000 reach everyone (goim's NeedPush)
        result = broadcaster.broadcast(f, 5, 0);
        loopOwner.runPendingTasks();
        assertThat(result.get().delivered()).isEqualTo(2);
        ((ByteBuf) watching.readOutbound()).release();
        ((ByteBuf) other.readOutbound()).release();
        f.release();
    }

    @Test
    void shouldPaceABroadcastWithSpeedAndAnswerAtOnce() throws Exception {
        loopOwner.freezeTime();
        List<EmbeddedChannel> chs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            chs.add(new EmbeddedChannel());
            member(chs.get(i), SessionTransport.TCP, "p" + i, null);
        }
        PushFrame f = frame();
        // 20 sessions per second with one loop: 2 per 100 ms step
        var result = broadcaster.broadcast(f, 1, 20);
        assertThat(result.get()).isEqualTo(RoomBroadcaster.Delivery.NONE);
        f.release();
        loopOwner.runPendingTasks();
        assertThat(received(chs)).isEqualTo(2);
        loopOwner.advanceTimeBy(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        loopOwner.runScheduledPendingTasks();
        assertThat(received(chs)).isEqualTo(2);
        loopOwner.advanceTimeBy(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        loopOwner.runScheduledPendingTasks();
        assertThat(received(chs)).isEqualTo(1);
        assertThat(f.refCnt()).as("released after the last step").isZero();
    }

    private static int received(List<EmbeddedChannel> chs) {
        int n = 0;
        for (EmbeddedChannel ch : chs) {
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                b.release();
                n++;
            }
        }
        return n;
    }

    @Test
    void shouldDropAndCountWhenASessionIsOverItsBound() throws Exception {
        EmbeddedChannel slow = new EmbeddedChannel();
        slow.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        EmbeddedChannel fine = new EmbeddedChannel();
        member(slow, SessionTransport.TCP, "slow", "live://r");
        member(fine, SessionTransport.TCP, "fine", "live://r");
        ByteBuf pending = slow.alloc().buffer().writeZero(16);
        slow.write(pending);
        assertThat(slow.isWritable()).isFalse();

        PushFrame f = frame();
        var result = broadcaster.broadcastRoom(index.room("live://r"), f);
        loopOwner.runPendingTasks();
        assertThat(result.get().delivered()).isEqualTo(1);
        assertThat(result.get().dropped()).isEqualTo(1);
        assertThat(sessions.metrics.drops(DropReason.SLOW)).isEqualTo(1);
        ((ByteBuf) fine.readOutbound()).release();
        slow.finishAndReleaseAll();
        f.release();
    }

    @Test
    void shouldMergeKeyPushesInTheRingAndDropWhenFull() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Session s = member(ch, SessionTransport.TCP, "k", null);
        PushFrame f = frame();
        int accepted = 0;
        for (int i = 0; i < 6; i++) {
            if (s.offer(f)) {
                accepted++;
            }
        }
        // ring of 4 (TestSessions), drained only when the loop runs
        assertThat(accepted).isEqualTo(4);
        assertThat(sessions.metrics.drops(DropReason.RING_FULL)).isEqualTo(2);
        ch.runPendingTasks();
        for (int i = 0; i < 4; i++) {
            ByteBuf out = ch.readOutbound();
            assertThat(out.memoryAddress()).isEqualTo(f.tcp().memoryAddress());
            out.release();
        }
        assertThat((Object) ch.readOutbound()).isNull();
        f.release();
        assertThat(f.refCnt()).isZero();
    }
}
