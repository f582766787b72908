package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.stream.AuthBody;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.Publications;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A position-aware client (ver 3) against a scripted server that speaks the ver-3 frames of docs/protocol.md: the
 * auth reply's positions, op-20 publications with duplicates and overlaps, op-21 stream states, a close with RESUME
 * (4013), and the positions the reconnect's auth carries. The real comet's side is tested in comet; this checks the
 * SDK's half of the contract byte for byte on real sockets.
 */
@ExtendWith(LeakCheck.class)
@Timeout(30)
class ScriptedResumeIT {
    private static final String ROOM = "live://1000";
    private static final String MEMBER = "mid:42";
    private static final long E1 = 1_700_000_000_000_000L;
    private static final long E2 = 1_700_000_000_123_456L;
    private static final long E3 = 1_700_000_000_999_999L;

    /** One auth frame the server received. */
    record Auth(Channel channel, int ver, int seq, String token, boolean hasPositions, List<StreamState> positions) {
    }

    record Publication(String stream, long epoch, long offset, int op, String body) {
    }

    private EventLoopGroup group;
    private Channel listener;
    private final BlockingQueue<Auth> auths = new LinkedBlockingQueue<>();
    private final List<JgoimClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        group = ClientTransports.newEventLoopGroup(2);
    }

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldDedupeByOffsetAndResumeFromItsLastPositionsAfterResume4013(Transport transport) throws Exception {
        Recorder l = new Recorder();
        JgoimClient c = client(transport, l);
        CompletableFuture<Void> connected = c.connect();

        Auth first = next();
        assertThat(first.ver()).isEqualTo(PacketLayout.VERSION_POSITIONS);
        assertThat(first.hasPositions()).as("nothing to resume yet: the token alone").isFalse();
        assertThat(first.token()).contains("\"key\":\"\"");
        reply(first, List.of(new StreamState(ROOM, E1, 10, false, 0), new StreamState(MEMBER, E2, 0, false, 0)));
        connected.get(5, TimeUnit.SECONDS);
        publish(first.channel(), ROOM, E1, 11, "r11", "r12", "r13");
        publish(first.channel(), ROOM, E1, 12, "r12", "r13", "r14");     // overlap: only 14 is new
        publish(first.channel(), ROOM, E1, 13, "r13");                   // duplicate
        first.channel().writeAndFlush(Proto.newInstance(PacketLayout.VERSION, 1000, 0, utf8("plain")));
        publish(first.channel(), MEMBER, E2, 1, "m1", "m2");
        publish(first.channel(), ROOM, E1, 10, "r10");                   // before what the client holds
        await().atMost(Duration.ofSeconds(5)).until(() -> l.publications.size() == 6 && l.pushes.size() == 1);
        goodbye(first.channel(), transport, CloseCode.RESUME.code());

        Auth second = next();
        assertThat(second.ver()).isEqualTo(PacketLayout.VERSION_POSITIONS);
        assertThat(second.token()).as("the key the reply named").contains("\"key\":\"k-1\"");
        assertThat(second.hasPositions()).isTrue();
        assertThat(second.positions()).containsExactly(StreamState.of(ROOM, E1, 14), StreamState.of(MEMBER, E2, 2));
        reply(second, List.of(new StreamState(ROOM, E1, 16, true, 0),
                new StreamState(MEMBER, E3, 5, true, ErrorCode.EPOCH_CHANGED.code())));
        publish(second.channel(), ROOM, E1, 15, "r15", "r16");           // the recovered messages
        publish(second.channel(), MEMBER, E3, 5, "m5");                  // at the new epoch's reported position
        publish(second.channel(), MEMBER, E3, 6, "m6");
        streamState(second.channel(), new StreamState(ROOM, E1, 30, false, ErrorCode.HISTORY_TOO_SHORT.code()));
        publish(second.channel(), ROOM, E1, 30, "r30");
        publish(second.channel(), ROOM, E1, 31, "r31");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.publications.size() == 10);

        assertThat(l.publications).containsExactly(
                new Publication(ROOM, E1, 11, 1000, "r11"), new Publication(ROOM, E1, 12, 1000, "r12"),
                new Publication(ROOM, E1, 13, 1000, "r13"), new Publication(ROOM, E1, 14, 1000, "r14"),
                new Publication(MEMBER, E2, 1, 1000, "m1"), new Publication(MEMBER, E2, 2, 1000, "m2"),
                new Publication(ROOM, E1, 15, 1000, "r15"), new Publication(ROOM, E1, 16, 1000, "r16"),
                new Publication(MEMBER, E3, 6, 1000, "m6"), new Publication(ROOM, E1, 31, 1000, "r31"));
        assertThat(l.pushes).as("only the push without a position").containsExactly("1000 0 plain");
        assertThat(l.states).containsExactly(
                new StreamState(ROOM, E1, 10, false, 0), new StreamState(MEMBER, E2, 0, false, 0),
                new StreamState(ROOM, E1, 16, true, 0),
                new StreamState(MEMBER, E3, 5, true, ErrorCode.EPOCH_CHANGED.code()),
                new StreamState(ROOM, E1, 30, false, ErrorCode.HISTORY_TOO_SHORT.code()));
        assertThat(l.states.get(2).recovered()).isTrue();
        assertThat(c.duplicatesDropped()).isEqualTo(6);
        assertThat(c.positions()).containsExactly(new StreamPosition(ROOM, E1, 31), new StreamPosition(MEMBER, E3, 6));
        assertThat(l.closes).containsExactly(new RecordingListener.Close(
                new CloseStatus(CloseCode.RESUME.code(), "resume"), true));
        assertThat(c.reconnects()).isEqualTo(1);
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void shouldRetryAResumeTheStoreCouldNotServeWithTheSamePositions() throws Exception {
        Recorder l = new Recorder();
        JgoimClient c = client(Transport.TCP, l);
        CompletableFuture<Void> connected = c.connect();
        Auth first = next();
        reply(first, List.of(new StreamState(ROOM, E1, 10, false, 0)));
        connected.get(5, TimeUnit.SECONDS);
        publish(first.channel(), ROOM, E1, 11, "r11");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.publications.size() == 1);
        first.channel().close();

        Auth second = next();
        assertThat(second.positions()).containsExactly(StreamState.of(ROOM, E1, 11));
        // The store was too slow: an error reply 205 and no goodbye at all (it was lost).
        second.channel().writeAndFlush(Proto.newInstance(PacketLayout.VERSION_POSITIONS, Op.ERROR_REPLY, second.seq(),
                utf8("{\"code\":205,\"message\":\"history store did not answer\"}")))
                .addListener(ChannelFutureListener.CLOSE);

        Auth third = next();
        assertThat(third.positions()).as("the same positions again").containsExactly(StreamState.of(ROOM, E1, 11));
        reply(third, List.of(new StreamState(ROOM, E1, 12, true, 0)));
        publish(third.channel(), ROOM, E1, 12, "r12");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.publications.size() == 2);
        assertThat(l.closes).extracting(cl -> cl.status().code(), RecordingListener.Close::willReconnect)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(CloseStatus.ABNORMAL_CODE, true),
                        org.assertj.core.groups.Tuple.tuple(CloseCode.RESUME.code(), true));
        assertThat(l.publications).extracting(Publication::body).containsExactly("r11", "r12");
    }

    @Test
    void shouldHandPositionedMessagesToOnPushWhenTheListenerOnlyHasOnPush() throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = client(Transport.TCP, l);
        CompletableFuture<Void> connected = c.connect();
        Auth first = next();
        reply(first, List.of());
        connected.get(5, TimeUnit.SECONDS);
        publish(first.channel(), MEMBER, E1, 1, "a", "b");
        publish(first.channel(), MEMBER, E1, 2, "b", "c");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.pushes.size() == 3);
        assertThat(l.pushes).containsExactly(new RecordingListener.Push(1000, 0, "a"),
                new RecordingListener.Push(1000, 0, "b"), new RecordingListener.Push(1000, 0, "c"));
        assertThat(c.duplicatesDropped()).isEqualTo(1);
    }

    @Test
    void shouldCloseOnAMalformedPublicationWithProtocolError() throws Exception {
        Recorder l = new Recorder();
        JgoimClient c = client(Transport.TCP, l);
        CompletableFuture<Void> connected = c.connect();
        Auth first = next();
        reply(first, List.of());
        connected.get(5, TimeUnit.SECONDS);
        ByteBuf body = Unpooled.buffer().writeShort(0).writeLong(E1).writeLong(1);   // empty stream name
        first.channel().writeAndFlush(Proto.newInstance(PacketLayout.VERSION_POSITIONS, Op.PUBLICATIONS, 0, body));
        await().atMost(Duration.ofSeconds(5)).until(() -> c.state() == ClientState.CLOSED);
        assertThat(l.closes).hasSize(1);
        assertThat(l.closes.get(0).status().code()).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
        assertThat(l.publications).isEmpty();
    }

    private JgoimClient client(Transport transport, ClientListener l) {
        int port = bind(transport);
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(port).transport(transport)
                .goimToken(42, "", ROOM, "web", 1000).positions(true)
                .heartbeatInterval(Duration.ofHours(1)).backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .group(group).listener(l).build();
        clients.add(c);
        return c;
    }

    private Auth next() throws InterruptedException {
        Auth a = auths.poll(10, TimeUnit.SECONDS);
        assertThat(a).as("an auth frame").isNotNull();
        return a;
    }

    private static void reply(Auth auth, List<StreamState> states) {
        ByteBuf body = Unpooled.buffer();
        AuthBody.write(body, "{\"key\":\"k-1\",\"heartbeat\":240}".getBytes(StandardCharsets.UTF_8), states);
        auth.channel().writeAndFlush(Proto.newInstance(PacketLayout.VERSION_POSITIONS, Op.AUTH_REPLY, auth.seq(),
                body));
    }

    /** One op-20 frame: {@code bodies} as op-1000 messages from {@code first} on. */
    private static void publish(Channel ch, String stream, long epoch, long first, String... bodies) {
        ByteBuf frames = Unpooled.buffer();
        for (String b : bodies) {
            byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
            ProtoCodec.writeHeader(frames, bytes.length, PacketLayout.VERSION, 1000, 0);
            frames.writeBytes(bytes);
        }
        ByteBuf frame = Unpooled.buffer();
        Publications.writeHeader(frame, Publications.streamBytes(stream), epoch, first, frames.readableBytes());
        frame.writeBytes(frames);
        frames.release();
        ByteBuf body = frame.retainedSlice(PacketLayout.HEADER_LENGTH,
                frame.readableBytes() - PacketLayout.HEADER_LENGTH);
        frame.release();
        ch.writeAndFlush(Proto.newInstance(PacketLayout.VERSION_POSITIONS, Op.PUBLICATIONS, 0, body));
    }

    private static void streamState(Channel ch, StreamState state) {
        ByteBuf body = Unpooled.buffer();
        PositionList.write(body, List.of(state));
        ch.writeAndFlush(Proto.newInstance(PacketLayout.VERSION_POSITIONS, Op.STREAM_STATE, 0, body));
    }

    /** The server's goodbye: op 18 then close over TCP, the close frame over WebSocket. */
    private static void goodbye(Channel ch, Transport transport, int code) {
        ScriptedServer.goodbye(ch, transport, PacketLayout.VERSION_POSITIONS, code, "resume");
    }

    private int bind(Transport transport) {
        listener = ScriptedServer.bind(group, transport, (ch, p) -> {
            ByteBuf body = p.body();
            auths.add(new Auth(ch, p.ver(), p.seq(), AuthBody.token(body).toString(StandardCharsets.UTF_8),
                    AuthBody.separator(body) >= 0, AuthBody.positions(body)));
        });
        return ScriptedServer.port(listener);
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    /** Records publications, stream states, plain pushes and closes. */
    private static final class Recorder implements ClientListener {
        final List<Publication> publications = new CopyOnWriteArrayList<>();
        final List<StreamState> states = new CopyOnWriteArrayList<>();
        final List<String> pushes = new CopyOnWriteArrayList<>();
        final List<RecordingListener.Close> closes = new CopyOnWriteArrayList<>();

        @Override
        public void onPublication(JgoimClient client, String stream, long epoch, long offset, int op, ByteBuf body) {
            publications.add(new Publication(stream, epoch, offset, op, body.toString(StandardCharsets.UTF_8)));
        }

        @Override
        public void onStreamState(JgoimClient client, StreamState state) {
            states.add(state);
        }

        @Override
        public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
            pushes.add(op + " " + seq + " " + body.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
            closes.add(new RecordingListener.Close(status, willReconnect));
        }
    }
}
