package io.jgoim.comet.push;

import com.google.protobuf.ByteString;
import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReq;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The contract of {@link CometService}, the seam job pushes through, held by each twin: the direct one
 * ({@link CometPushService}) and the gRPC one (the served {@code CometGrpcService} called through
 * {@code GrpcCometClient}). Real sessions on EmbeddedChannels with the comet's real index, rooms and broadcaster, all
 * driven on the test thread: a subclass wraps the direct service in its twin, keeping every call on this thread.
 */
@ExtendWith(LeakCheck.class)
abstract class CometServiceContract {
    /** One goim frame (op 1000, body {"n":0}), as job encodes it. */
    private static final String INNER = "0000001700100001000003e8000000007b226e223a307d";
    private static final int BUSINESS_OP = 1000;

    private final TestSessions sessions = new TestSessions();
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final SessionIndex index = new SessionIndex(4, 16, loops);
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    protected final AtomicInteger repeats = new AtomicInteger();
    private CometService service;

    /** The twin under test, in front of {@code direct}. */
    protected abstract CometService twin(CometPushService direct) throws Exception;

    /** Releases what the twin holds. */
    protected void closeTwin() throws Exception {
    }

    @BeforeEach
    void startTwin() throws Exception {
        service = twin(new CometPushService(index, new RoomBroadcaster(loops, sessions.metrics),
                ByteBufAllocator.DEFAULT, repeats::incrementAndGet));
    }

    @AfterEach
    void closeAll() throws Exception {
        closeTwin();
        for (EmbeddedChannel ch : channels) {
            Object o;
            while ((o = ch.readOutbound()) != null) {
                ReferenceCountUtil.release(o);
            }
            ch.finishAndReleaseAll();
        }
        loopOwner.finishAndReleaseAll();
    }

    private EmbeddedChannel member(String key, SessionTransport transport, String room, int... watches) {
        return member(new EmbeddedChannel(), key, transport, room, watches);
    }

    private EmbeddedChannel member(EmbeddedChannel ch, String key, SessionTransport transport, String room,
                                   int... watches) {
        channels.add(ch);
        Session s = sessions.session(ch, transport, key, 0);
        if (watches.length > 0) {
            s.watch(watches);
        }
        index.register(s, room == null ? "" : room);
        return ch;
    }

    /** Runs the event loops (the comet's and each session's) until {@code f} completes. */
    private <T> T await(CompletableFuture<T> f) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!f.isDone()) {
            if (System.nanoTime() > deadline) {
                fail("no reply within 5 s");
            }
            runLoops();
            Thread.onSpinWait();
        }
        return f.get();
    }

    private void runLoops() {
        loopOwner.runPendingTasks();
        for (EmbeddedChannel ch : channels) {
            ch.runPendingTasks();
        }
    }

    /** The code a failed call reports, as the caller sees it. */
    private ErrorCode failure(CompletableFuture<?> f) throws Exception {
        try {
            await(f);
        } catch (ExecutionException e) {
            return Failures.code(e, ErrorCode.UNKNOWN);
        }
        return fail("expected the call to fail");
    }

    /** Pushes written to {@code ch} so far (released), each checked to be the pushed frame. */
    private int received(EmbeddedChannel ch) {
        runLoops();
        int n = 0;
        for (Object o; (o = ch.readOutbound()) != null; n++) {
            try {
                ByteBuf b = o instanceof BinaryWebSocketFrame ? ((BinaryWebSocketFrame) o).content() : (ByteBuf) o;
                // WebSocket sessions get the frames wrapped once in an op-9 frame: the inner frame ends it.
                assertThat(ByteBufUtil.hexDump(b)).endsWith(INNER);
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        return n;
    }

    private static Proto proto() {
        return Proto.newBuilder().setVer(1).setOp(9).setBody(ByteString.copyFrom(ByteBufUtil.decodeHexDump(INNER)))
                .build();
    }

    private static PushMsgReq.Builder push(String... keys) {
        PushMsgReq.Builder b = PushMsgReq.newBuilder().setProto(proto()).setProtoOp(BUSINESS_OP);
        for (String k : keys) {
            b.addKeys(k);
        }
        return b;
    }

    private static BroadcastRoomReq.Builder roomPush(String roomId) {
        return BroadcastRoomReq.newBuilder().setRoomId(roomId).setProto(proto());
    }

    @Test
    void shouldPushToKeysCountingDeliveredDroppedAndMissing() throws Exception {
        EmbeddedChannel tcp = member("tcp", SessionTransport.TCP, null, BUSINESS_OP);
        EmbeddedChannel ws = member("ws", SessionTransport.WEBSOCKET, null, BUSINESS_OP);
        EmbeddedChannel closed = member("closed", SessionTransport.TCP, null, BUSINESS_OP);
        EmbeddedChannel deaf = member("deaf", SessionTransport.TCP, null);
        closed.close();

        PushMsgReply r = await(service.pushMsg(push("tcp", "ws", "closed", "deaf", "nobody").build()));

        assertThat(r.getDelivered()).isEqualTo(2);
        assertThat(r.getDropped()).isEqualTo(1);
        assertThat(r.getMissing()).isEqualTo(1);
        assertThat(received(tcp)).isEqualTo(1);
        assertThat(received(ws)).isEqualTo(1);
        assertThat(received(deaf)).as("a business op reaches only sessions that watch it").isZero();
    }

    @Test
    void shouldBroadcastToARoomCountingDeliveredAndDropped() throws Exception {
        EmbeddedChannel a = member("a", SessionTransport.TCP, "live://r");
        EmbeddedChannel b = member("b", SessionTransport.WEBSOCKET, "live://r");
        EmbeddedChannel gone = member("gone", SessionTransport.TCP, "live://r");
        EmbeddedChannel outsider = member("o", SessionTransport.TCP, "live://other");
        gone.close();

        BroadcastRoomReply r = await(service.broadcastRoom(roomPush("live://r").build()));

        assertThat(r.getDelivered()).isEqualTo(2);
        assertThat(r.getDropped()).isEqualTo(1);
        assertThat(received(a)).isEqualTo(1);
        assertThat(received(b)).isEqualTo(1);
        assertThat(received(outsider)).isZero();
        BroadcastRoomReply empty = await(service.broadcastRoom(roomPush("live://nobody").build()));
        assertThat(empty.getDelivered()).isZero();
        assertThat(empty.getDropped()).isZero();
    }

    @Test
    void shouldBroadcastToEverySessionThatWatchesTheOp() throws Exception {
        EmbeddedChannel a = member("a", SessionTransport.TCP, "live://r", BUSINESS_OP);
        EmbeddedChannel b = member("b", SessionTransport.WEBSOCKET, null, BUSINESS_OP);
        EmbeddedChannel deaf = member("deaf", SessionTransport.TCP, null);

        BroadcastReply r = await(service.broadcast(BroadcastReq.newBuilder().setProto(proto())
                .setProtoOp(BUSINESS_OP).build()));

        assertThat(r.getDelivered()).isEqualTo(2);
        assertThat(r.getDropped()).isZero();
        assertThat(received(a)).isEqualTo(1);
        assertThat(received(b)).isEqualTo(1);
        assertThat(received(deaf)).isZero();
    }

    @Test
    void shouldListTheRoomsThatHaveMembers() throws Exception {
        member("a", SessionTransport.TCP, "live://1");
        member("b", SessionTransport.WEBSOCKET, "live://2");
        member("c", SessionTransport.TCP, "live://2");
        member("d", SessionTransport.TCP, null);

        assertThat(await(service.rooms(RoomsReq.getDefaultInstance())).getRoomsMap())
                .containsOnlyKeys("live://1", "live://2");
    }

    @Test
    void shouldRefuseBadRequestsWithTheSameCodes() throws Exception {
        member("a", SessionTransport.TCP, "live://r");
        assertThat(failure(service.pushMsg(PushMsgReq.newBuilder().setProto(proto()).build())))
                .as("no keys").isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(failure(service.pushMsg(PushMsgReq.newBuilder().addKeys("a").build())))
                .as("no body").isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(failure(service.broadcastRoom(roomPush("").build())))
                .as("no room id").isEqualTo(ErrorCode.BAD_ROOM);
        assertThat(failure(service.broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId("live://r").build())))
                .as("no body").isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(failure(service.broadcast(BroadcastReq.newBuilder().setProto(proto()).setSpeed(-1).build())))
                .as("negative speed").isEqualTo(ErrorCode.BAD_PARAMETER);
    }

    @Test
    void shouldAnswerARepeatedRequestIdFromTheFirstAttempt() throws Exception {
        EmbeddedChannel a = member("a", SessionTransport.TCP, "live://r", BUSINESS_OP);
        EmbeddedChannel b = member("b", SessionTransport.TCP, "live://r", BUSINESS_OP);

        BroadcastRoomReply first = await(service.broadcastRoom(roomPush("live://r").setRequestId(42).build()));
        b.close();
        BroadcastRoomReply retry = await(service.broadcastRoom(roomPush("live://r").setRequestId(42).build()));
        assertThat(retry).as("the first attempt's outcome, though b is gone now").isEqualTo(first);
        assertThat(first.getDelivered()).isEqualTo(2);

        PushMsgReply pushed = await(service.pushMsg(push("a").setRequestId(43).build()));
        assertThat(await(service.pushMsg(push("a").setRequestId(43).build()))).isEqualTo(pushed);
        assertThat(await(service.broadcast(BroadcastReq.newBuilder().setProto(proto()).setProtoOp(BUSINESS_OP)
                .setRequestId(44).build())).getDelivered()).isEqualTo(1);
        assertThat(await(service.broadcast(BroadcastReq.newBuilder().setProto(proto()).setProtoOp(BUSINESS_OP)
                .setRequestId(44).build())).getDelivered()).isEqualTo(1);

        assertThat(received(a)).as("one room push, one key push, one broadcast: no retry delivered").isEqualTo(3);
        assertThat(repeats.get()).isEqualTo(3);
    }

    // ---- Room calls answered ACCEPTED (issue 17): job's default; the reply counts the members handed to ----

    private static BroadcastRoomReq.Builder acceptedRoomPush(String roomId) {
        return roomPush(roomId).setAck(BroadcastRoomReq.Ack.ACCEPTED);
    }

    /** Room pushes the comet counted as written ({@code jgoim_comet_pushes_delivered{kind=room}}). */
    private double roomPushesWritten() {
        Counter c = sessions.metrics.registry().find("jgoim_comet_pushes_delivered").tag("kind", "room").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void shouldAnswerAnAcceptedRoomCallWithTheMembersHandedAndMeterWhatWasWritten() throws Exception {
        EmbeddedChannel a = member("a", SessionTransport.TCP, "live://r");
        EmbeddedChannel b = member("b", SessionTransport.WEBSOCKET, "live://r");
        EmbeddedChannel gone = member("gone", SessionTransport.TCP, "live://r");
        EmbeddedChannel outsider = member("o", SessionTransport.TCP, "live://other");
        gone.close();
        double closedDrops = sessions.metrics.drops(DropReason.CLOSED);

        BroadcastRoomReply r = await(service.broadcastRoom(acceptedRoomPush("live://r").build()));

        assertThat(r.getDelivered()).as("the members it was handed to, the closed one too").isEqualTo(3);
        assertThat(r.getDropped()).as("drops are not known yet when it is answered").isZero();
        assertThat(received(a)).isEqualTo(1);
        assertThat(received(b)).isEqualTo(1);
        assertThat(received(outsider)).isZero();
        assertThat(roomPushesWritten()).as("the comet's meter counts what was written").isEqualTo(2);
        assertThat(sessions.metrics.drops(DropReason.CLOSED) - closedDrops).isEqualTo(1);
        BroadcastRoomReply empty = await(service.broadcastRoom(acceptedRoomPush("live://nobody").build()));
        assertThat(empty.getDelivered()).isZero();
        assertThat(empty.getDropped()).isZero();
    }

    @Test
    void shouldWriteRoomCallsAnsweredAcceptedInTheirOrder() throws Exception {
        EmbeddedChannel tcp = member("t", SessionTransport.TCP, "live://o");
        EmbeddedChannel ws = member("w", SessionTransport.WEBSOCKET, "live://o");
        List<CompletableFuture<BroadcastRoomReply>> calls = new ArrayList<>();
        List<Integer> sent = new ArrayList<>();
        for (int n = 10; n < 100; n++) {
            calls.add(service.broadcastRoom(acceptedRoomPush("live://o").setProto(numbered(n)).build()));
            sent.add(n);
            if (n % 4 == 0) {
                // Like job's link: now and then a call is answered before the next goes; the others gather meanwhile.
                assertThat(await(calls.get(calls.size() - 1)).getDelivered()).isEqualTo(2);
            }
        }
        for (CompletableFuture<BroadcastRoomReply> f : calls) {
            assertThat(await(f).getDelivered()).isEqualTo(2);
        }
        runLoops();
        assertThat(numbers(tcp, false)).as("TCP member").containsExactlyElementsOf(sent);
        assertThat(numbers(ws, true)).as("WebSocket member").containsExactlyElementsOf(sent);
    }

    @Test
    void shouldCountASlowMemberInTheCometsDropsWhenItsCallIsAnsweredAccepted() throws Exception {
        EmbeddedChannel fast = member("fast", SessionTransport.TCP, "live://s");
        EmbeddedChannel slow = new EmbeddedChannel();
        slow.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        member(slow, "slow", SessionTransport.TCP, "live://s");
        slow.write(slow.alloc().buffer().writeZero(16)); // held: the slow member is over its outbound bound
        assertThat(slow.isWritable()).isFalse();
        double slowDrops = sessions.metrics.drops(DropReason.SLOW);

        BroadcastRoomReply r = await(service.broadcastRoom(acceptedRoomPush("live://s").build()));

        assertThat(r.getDelivered()).isEqualTo(2);
        assertThat(r.getDropped()).isZero();
        assertThat(received(fast)).isEqualTo(1);
        assertThat(sessions.metrics.drops(DropReason.SLOW) - slowDrops).as("the comet's own meter").isEqualTo(1);
        assertThat(roomPushesWritten()).isEqualTo(1);
    }

    /** A raw room push of one goim frame (op 1000) whose body is {@code {"n":<n>}}. */
    private static Proto numbered(int n) {
        byte[] body = ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer f = ByteBuffer.allocate(16 + body.length);
        f.putInt(16 + body.length).putShort((short) 16).putShort((short) 1).putInt(BUSINESS_OP).putInt(0).put(body);
        return Proto.newBuilder().setVer(1).setOp(9).setBody(ByteString.copyFrom(f.array())).build();
    }

    /**
     * The numbers of the pushes written to {@code ch} so far, in the order its bytes hold them (released). A
     * WebSocket member's pushes come as frames or as ready WebSocket bytes (written straight to the socket).
     */
    private List<Integer> numbers(EmbeddedChannel ch, boolean webSocket) {
        List<Integer> out = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            try {
                if (o instanceof BinaryWebSocketFrame w) {
                    numbers(w.content(), out);
                } else if (webSocket) {
                    webSocketMessages((ByteBuf) o, out);
                } else {
                    numbers((ByteBuf) o, out);
                }
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        return out;
    }

    /** Unmasked server-to-client binary WebSocket frames back to back (RFC 6455 5.2), each holding goim frames. */
    private static void webSocketMessages(ByteBuf b, List<Integer> out) {
        int i = b.readerIndex();
        while (i < b.writerIndex()) {
            assertThat(b.getByte(i) & 0xff).as("FIN + binary").isEqualTo(0x82);
            int len = b.getByte(i + 1) & 0x7f;
            int header = 2;
            if (len == 126) {
                len = b.getUnsignedShort(i + 2);
                header = 4;
            } else if (len == 127) {
                len = (int) b.getLong(i + 2);
                header = 10;
            }
            numbers(b.slice(i + header, len), out);
            i += header + len;
        }
    }

    /** Walks whole goim frames; an op-9 frame (a WebSocket message's wrapper) holds frames itself. */
    private static void numbers(ByteBuf b, List<Integer> out) {
        int i = b.readerIndex();
        while (i < b.writerIndex()) {
            int len = b.getInt(i);
            int header = b.getShort(i + 4);
            int op = b.getInt(i + 8);
            ByteBuf body = b.slice(i + header, len - header);
            if (op == 9) {
                numbers(body, out);
            } else {
                String json = body.toString(StandardCharsets.UTF_8);
                out.add(Integer.parseInt(json.substring(json.indexOf(':') + 1, json.length() - 1)));
            }
            i += len;
        }
    }
}
