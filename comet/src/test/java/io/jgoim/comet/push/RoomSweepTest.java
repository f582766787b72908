package io.jgoim.comet.push;

import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics.PushKind;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A room's rolling pass ({@link RoomSweep}) driven chunk by chunk: a push arriving mid-pass reaches the members not yet
 * written in this pass (one write with what they were owed) and the members already written in the next; order per
 * member, byte-exact concatenation, completion counts, and members leaving mid-pass.
 */
@ExtendWith(LeakCheck.class)
class RoomSweepTest {
    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final SessionIndex index = new SessionIndex(4, 16, loops);
    private final PassWriter writer = new PassWriter(sessions.metrics);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final List<Session> members = new ArrayList<>();

    private static PushFrame frame(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = ByteBufAllocator.DEFAULT.directBuffer();
        ProtoCodec.writeHeader(buf, b.length, PacketLayout.VERSION, 1000, 0);
        buf.writeBytes(b);
        return new PushFrame(buf, ByteBufAllocator.DEFAULT);
    }

    private Room room(int n) {
        for (int i = 0; i < n; i++) {
            EmbeddedChannel ch = new EmbeddedChannel();
            channels.add(ch);
            Session s = sessions.session(ch, SessionTransport.TCP, "k" + i, 0);
            index.register(s, "live://r");
            members.add(s);
        }
        return index.room("live://r");
    }

    private CompletableFuture<RoomBroadcaster.Delivery> add(RoomSweep sweep, Room room, PushFrame f) {
        FanOutJob job = new FanOutJob(PushKind.ROOM, sessions.metrics);
        job.expect();
        sweep.add(new LoopFanOut.Entry(room, -1, f, job));
        return job.seal();
    }

    /** The bodies of each write channel {@code i} got, and the raw bytes of each write. */
    private List<List<String>> writes(int i, List<byte[]> raw) {
        List<List<String>> out = new ArrayList<>();
        for (Object o; (o = channels.get(i).readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            if (raw != null) {
                raw.add(ByteBufUtil.getBytes(b));
            }
            List<String> bodies = new ArrayList<>();
            for (int at = b.readerIndex(); at < b.writerIndex(); ) {
                int len = b.getInt(at);
                bodies.add(b.toString(at + PacketLayout.HEADER_LENGTH, len - PacketLayout.HEADER_LENGTH,
                        StandardCharsets.UTF_8));
                at += len;
            }
            out.add(bodies);
            b.release();
        }
        return out;
    }

    private static byte[] bytesOf(String... bodies) {
        ByteBuf b = ByteBufAllocator.DEFAULT.heapBuffer();
        for (String body : bodies) {
            PushFrame f = frame(body);
            b.writeBytes(f.tcp(), f.tcp().readerIndex(), f.tcp().readableBytes());
            f.release();
        }
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }

    @Test
    void shouldGiveAMidPassArrivalToUnwrittenMembersNowAndToWrittenOnesInTheNextPass() throws Exception {
        Room room = room(5);
        RoomSweep sweep = new RoomSweep(room, room.shard(0), 2, writer);
        var r1 = add(sweep, room, frame("m1"));
        sweep.step(); // members 0, 1: m1
        var r2 = add(sweep, room, frame("m2"));
        sweep.step(); // members 2, 3: m1 m2 in one write
        sweep.step(); // member 4: m1 m2
        assertThat(r1).as("every member has m1 after one sweep").isCompleted();
        assertThat(r1.get()).isEqualTo(new RoomBroadcaster.Delivery(5, 0));
        assertThat(r2).as("members 0 and 1 still owe m2").isNotCompleted();
        sweep.step(); // wraps: members 0, 1: m2
        assertThat(r2).isCompleted();
        assertThat(r2.get()).isEqualTo(new RoomBroadcaster.Delivery(5, 0));
        assertThat(sweep.isActive()).isFalse();

        for (int i = 0; i < 5; i++) {
            int member = room.shard(0).get(i) == members.get(i) ? i : -1;
            assertThat(member).as("no member left, no slot moved").isEqualTo(i);
        }
        assertThat(writes(0, null)).containsExactly(List.of("m1"), List.of("m2"));
        assertThat(writes(1, null)).containsExactly(List.of("m1"), List.of("m2"));
        List<byte[]> raw = new ArrayList<>();
        assertThat(writes(2, raw)).containsExactly(List.of("m1", "m2"));
        assertThat(raw.get(0)).as("byte-exact concatenation").isEqualTo(bytesOf("m1", "m2"));
        assertThat(writes(3, null)).containsExactly(List.of("m1", "m2"));
        assertThat(writes(4, null)).containsExactly(List.of("m1", "m2"));
    }

    @Test
    void shouldKeepOrderAndDeliverEachPushOnceAcrossManyArrivals() {
        Room room = room(7);
        RoomSweep sweep = new RoomSweep(room, room.shard(0), 3, writer);
        List<CompletableFuture<RoomBroadcaster.Delivery>> results = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            results.add(add(sweep, room, frame("m" + i)));
            sweep.step();
        }
        sweep.finish();
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            all.add("m" + i);
        }
        for (int m = 0; m < 7; m++) {
            List<String> got = new ArrayList<>();
            writes(m, null).forEach(got::addAll);
            assertThat(got).as("member %d: each once, in order", m).isEqualTo(all);
        }
        for (var r : results) {
            assertThat(r.join()).isEqualTo(new RoomBroadcaster.Delivery(7, 0));
        }
    }

    @Test
    void shouldNotLetAMemberLeavingMidPassMoveAnUnwrittenMemberIntoTheWrittenPart() {
        Room room = room(6);
        RoomSweep sweep = new RoomSweep(room, room.shard(0), 2, writer);
        var r1 = add(sweep, room, frame("m1"));
        sweep.step(); // members 0, 1 written
        Session leaving = members.get(0);
        index.unregister(leaving); // plain swap-remove would put member 5 (unwritten) into slot 0
        sweep.finish();

        assertThat(r1.join()).isEqualTo(new RoomBroadcaster.Delivery(6, 0));
        for (int m = 0; m < 6; m++) {
            assertThat(writes(m, null)).as("member %d", m).containsExactly(List.of("m1"));
        }
    }

    @Test
    void shouldMakeArrivalsWaitWhilePendingBytesAreOverTheBound() {
        Room room = room(3);
        RoomSweep sweep = new RoomSweep(room, room.shard(0), 1, writer);
        String big = "x".repeat(LoopFanOut.MAX_WRITE_BYTES - 20); // + its 16-byte header: 4 bytes under the bound
        var r1 = add(sweep, room, frame(big));
        sweep.step(); // member 0: big
        var r2 = add(sweep, room, frame("small-but-over"));
        assertThat(sweep.isActive()).isTrue();
        sweep.step(); // member 1: big alone (the second waits)
        sweep.step(); // member 2: big; big completes, the second is taken
        assertThat(r1.join()).isEqualTo(new RoomBroadcaster.Delivery(3, 0));
        assertThat(r2).isNotCompleted();
        sweep.finish();
        assertThat(r2.join()).isEqualTo(new RoomBroadcaster.Delivery(3, 0));
        for (int m = 0; m < 3; m++) {
            assertThat(writes(m, null)).hasSize(2);
        }
    }
}
