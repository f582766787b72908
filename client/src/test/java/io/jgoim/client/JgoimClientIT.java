package io.jgoim.client;

import io.jgoim.client.comet.RealComet;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.jgoim.protocol.ProtoCodec;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The SDK against a real comet (with logic's twin) over TCP and WebSocket: auth, heartbeats, pushes and batches,
 * requests and their replies, close codes and reconnects. What the comet never does by itself is brought about with
 * its own means: a hung comet by stalling its event loop, a dropped link by closing the socket under the session, a
 * logic that never answers or refuses by the twin's switches, a malformed batch by handing comet malformed frames the
 * way job hands it frames (comet forwards them untouched).
 */
@ExtendWith(LeakCheck.class)
@Timeout(30)
class JgoimClientIT {
    private static final String ROOM = "live://1000";
    private static EventLoopGroup group;

    private RealComet server;
    private final List<JgoimClient> clients = new ArrayList<>();

    @BeforeAll
    static void startGroup() {
        group = ClientTransports.newEventLoopGroup(2);
    }

    @AfterAll
    static void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void startServer() {
        server = RealComet.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(JgoimClient::close);
        server.close();
    }

    private JgoimClientBuilder builder(Transport transport, RecordingListener listener) {
        return JgoimClient.builder()
                .host("127.0.0.1")
                .port(server.port(transport))
                .transport(transport)
                .goimToken(42, "", ROOM, "web", 1000, 1001)
                .group(group)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .listener(listener);
    }

    private JgoimClient connected(Transport transport, RecordingListener listener) throws Exception {
        JgoimClient c = builder(transport, listener).build();
        clients.add(c);
        c.connect().get(5, TimeUnit.SECONDS);
        return c;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldAuthenticateWithGoimToken(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = connected(transport, l);

        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(l.states).containsExactly(ClientState.CONNECTING, ClientState.AUTHENTICATING,
                ClientState.CONNECTED);
        assertThat(c.connectNanos()).isPositive();
        assertThat(c.authNanos()).isPositive();
        RealComet.SessionView s = server.sessionsOf(42).get(0);
        assertThat(s.mid()).isEqualTo(42);
        assertThat(s.room()).isEqualTo(ROOM);
        assertThat(s.watched()).containsExactlyInAnyOrder(1000, 1001);
        assertThat(c.connect()).isCompleted();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldHeartbeatAndReadOnlineCount(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = builder(transport, l).heartbeatInterval(Duration.ofMillis(50)).build();
        clients.add(c);
        c.connect().get(5, TimeUnit.SECONDS);
        connected(transport, new RecordingListener());

        await().atMost(Duration.ofSeconds(5)).until(() -> c.onlineCount() == 2);
        assertThat(server.heartbeatsReceived()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldDeliverPushesAndBatchesInOrder(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        connected(transport, l);

        server.pushRoom(ROOM, 1000, "first");
        server.pushRoom(ROOM, 1001, "b0", "b1", "b2");
        server.pushRoom(ROOM, 1000, "last");

        await().atMost(Duration.ofSeconds(5)).until(() -> l.pushes.size() == 5);
        assertThat(l.bodies()).containsExactly("first", "b0", "b1", "b2", "last");
        assertThat(l.pushes.get(1).op()).isEqualTo(1001);
        assertThat(l.pushes).allMatch(p -> p.seq() == 0);
    }

    @Test
    void shouldKeepOrderOfManyBackToBackTcpFrames() throws Exception {
        RecordingListener l = new RecordingListener();
        connected(Transport.TCP, l);
        String[] batch = IntStream.range(0, 500).mapToObj(Integer::toString).toArray(String[]::new);

        server.pushRoom(ROOM, 1000, batch);
        server.pushRoom(ROOM, 1000, batch);

        await().atMost(Duration.ofSeconds(5)).until(() -> l.pushes.size() == 1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(l.pushes.get(i).body()).isEqualTo(Integer.toString(i % 500));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldChangeRoomAndReceiveOnlyTheNewRoom(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = connected(transport, l);

        assertThat(c.changeRoom("live://2000").get(5, TimeUnit.SECONDS)).isEqualTo("live://2000");
        assertThat(c.room()).isEqualTo("live://2000");
        server.pushRoom(ROOM, 1000, "old");
        server.pushRoom("live://2000", 1000, "new");

        await().atMost(Duration.ofSeconds(5)).until(() -> !l.pushes.isEmpty());
        assertThat(l.bodies()).containsExactly("new");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldWatchAndUnwatchOps(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = connected(transport, l);

        c.watch(2000, 2001).get(5, TimeUnit.SECONDS);
        assertThat(server.sessionsOf(42).get(0).watched()).contains(2000, 2001);
        server.pushMember(42, 2000, "watched");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.pushes.size() == 1);

        c.unwatch(2000).get(5, TimeUnit.SECONDS);
        assertThat(server.sessionsOf(42).get(0).watched()).doesNotContain(2000).contains(2001);
        server.pushMember(42, 2000, "unwatched");
        server.pushMember(42, 2001, "still");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.pushes.size() == 2);
        assertThat(l.bodies()).containsExactly("watched", "still");
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldMatchUpstreamRepliesBySeq(Transport transport) throws Exception {
        JgoimClient c = connected(transport, new RecordingListener());

        List<CompletableFuture<Reply>> replies = IntStream.range(0, 50)
                .mapToObj(i -> c.sendUpstream(i % 2 == 0 ? Op.SEND_MSG : 1000, utf8("m" + i))).toList();

        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        assertThat(replies.stream().map(f -> f.join().seq()).distinct()).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(replies.get(i).join().op()).isEqualTo(i % 2 == 0 ? Op.SEND_MSG : 1000);
        }
        assertThat(server.logic().received()).extracting(r -> r.getProto().getBody().toStringUtf8()).hasSize(50)
                .contains("m0", "m49");
    }

    @Test
    void shouldFailUpstreamWithTheServersErrorCode() throws Exception {
        JgoimClient c = connected(Transport.TCP, new RecordingListener());
        // logic refuses the message; comet answers an extended client with an error reply carrying logic's code
        server.logic().down(ErrorCode.BAD_PARAMETER);

        CompletableFuture<Reply> f = c.sendUpstream(Op.SEND_MSG, utf8("fail"));

        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(JgoimClientException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BAD_PARAMETER));
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void shouldRefuseAnOversizedRequestLocallyAndKeepTheSession() throws Exception {
        JgoimClient c = connected(Transport.TCP, new RecordingListener());

        CompletableFuture<Reply> f = c.sendUpstream(Op.SEND_MSG, new byte[4097]);

        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.BODY_TOO_LARGE));
        assertThat(c.sendUpstream(Op.SEND_MSG, new byte[4096]).get(5, TimeUnit.SECONDS).op()).isEqualTo(Op.SEND_MSG);
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldFailConnectWhenTheAuthReplyNeverComes(Transport transport) {
        CompletableFuture<Void> held = server.logic().holdConnects();
        JgoimClient c = builder(transport, new RecordingListener()).authTimeout(Duration.ofMillis(300))
                .firstConnectTimeout(Duration.ZERO).build();
        clients.add(c);
        try {
            assertThatThrownBy(() -> c.connect().get(5, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(JgoimClientException.class,
                            e -> assertThat(e.closeStatus().reason()).contains("no auth reply"));
            assertThat(c.state()).isEqualTo(ClientState.CLOSED);
        } finally {
            held.complete(null);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldUnpackAnOp9FrameOnEitherTransport(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        connected(transport, l);
        ByteBuf inner = Unpooled.buffer();
        ProtoCodec.writeFrame(inner, 1, 1000, 0, Unpooled.wrappedBuffer(utf8("x")));
        ProtoCodec.writeFrame(inner, 1, 1001, 0, Unpooled.wrappedBuffer(utf8("y")));
        ByteBuf outer = ProtoCodec.wrapRaw(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, inner);

        // An op-9 frame as a batch job hands the comet: TCP clients get it as it is, WebSocket clients inside the
        // comet's own op-9 wrapper.
        server.pushRoomFrames(ROOM, io.netty.buffer.ByteBufUtil.getBytes(outer));
        inner.release();
        outer.release();

        await().atMost(Duration.ofSeconds(5)).until(() -> l.pushes.size() == 2);
        assertThat(l.pushes).extracting(RecordingListener.Push::op).containsExactly(1000, 1001);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldCloseWithProtocolErrorOnAMalformedBatch(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = connected(transport, l);
        // an op-9 frame whose inner frame claims 100 bytes but carries 4
        ByteBuf bad = Unpooled.buffer();
        ProtoCodec.writeHeader(bad, 16 + 4, 1, Op.RAW, 0);
        bad.writeInt(100).writeShort(16).writeShort(1).writeInt(1000).writeInt(0).writeInt(7);

        server.pushRoomFrames(ROOM, io.netty.buffer.ByteBufUtil.getBytes(bad));
        bad.release();

        await().atMost(Duration.ofSeconds(5)).until(() -> !l.closes.isEmpty());
        assertThat(l.closes.get(0).status().code()).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
        assertThat(l.pushes).isEmpty();
        assertThat(c.lastClose().isTerminal()).isTrue();
    }

    @Test
    void shouldKeepDeliveringWhenTheListenerThrows() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        JgoimClient c = builder(Transport.TCP, new RecordingListener() {
            @Override
            public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
                String s = body.toString(StandardCharsets.UTF_8);
                seen.add(s);
                if (s.equals("boom")) {
                    throw new IllegalStateException("listener bug");
                }
            }
        }).build();
        clients.add(c);
        c.connect().get(5, TimeUnit.SECONDS);

        server.pushRoom(ROOM, 1000, "boom", "after");

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    void shouldRefuseUpstreamBeforeConnect() {
        JgoimClient c = builder(Transport.TCP, new RecordingListener()).build();
        clients.add(c);
        assertThat(c.sendUpstream(Op.SEND_MSG, utf8("x"))).isCompletedExceptionally();
        assertThatThrownBy(() -> c.sendUpstream(7, utf8("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldReconnectAndReauthenticateAfterTheServerDropsTheConnection(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = connected(transport, l);
        c.changeRoom("live://3000").get(5, TimeUnit.SECONDS);
        c.watch(2000).get(5, TimeUnit.SECONDS);

        server.dropMember(42);

        await().atMost(Duration.ofSeconds(5)).until(() -> c.reconnects() == 1 && c.state() == ClientState.CONNECTED);
        assertThat(server.logic().connects()).hasSize(2);
        assertThat(l.closes).hasSize(1);
        assertThat(l.closes.get(0).willReconnect()).isTrue();
        assertThat(l.closes.get(0).status().code()).isEqualTo(CloseStatus.ABNORMAL_CODE);
        assertThat(l.states).containsSubsequence(ClientState.CONNECTED, ClientState.RECONNECTING,
                ClientState.CONNECTING, ClientState.AUTHENTICATING, ClientState.CONNECTED);
        // room and watched ops come back after the re-auth
        await().atMost(Duration.ofSeconds(5)).until(() -> server.roomCount("live://3000") == 1
                && server.sessionsOf(42).stream().anyMatch(s -> s.watched().contains(2000)));
        server.pushRoom("live://3000", 1000, "after");
        await().atMost(Duration.ofSeconds(5)).until(() -> l.bodies().contains("after"));
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldReconnectAfterAReconnectCloseCode(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = connected(transport, l);

        server.closeMember(42, CloseCode.SHUTDOWN);

        await().atMost(Duration.ofSeconds(5)).until(() -> c.reconnects() == 1 && c.state() == ClientState.CONNECTED);
        assertThat(l.closes.get(0).status().code()).isEqualTo(CloseCode.SHUTDOWN.code());
        assertThat(l.closes.get(0).willReconnect()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldStopOnATerminalCloseCode(Transport transport) throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = connected(transport, l);

        server.closeMember(42, CloseCode.KICKED);

        await().atMost(Duration.ofSeconds(5)).until(() -> c.state() == ClientState.CLOSED);
        assertThat(c.lastClose().code()).isEqualTo(4502);
        assertThat(c.lastClose().isTerminal()).isTrue();
        assertThat(l.closes).containsExactly(new RecordingListener.Close(c.lastClose(), false));
        Thread.sleep(300);
        assertThat(server.logic().connects()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldFailConnectWhenTheTokenIsRefused(Transport transport) {
        // logic refuses a token it cannot read (TOKEN_MALFORMED); comet closes with AUTH_FAILED
        JgoimClient c = builder(transport, new RecordingListener()).token("deny").build();
        clients.add(c);

        assertThatThrownBy(() -> c.connect().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
                    assertThat(e.closeStatus().code()).isEqualTo(CloseCode.AUTH_FAILED.code());
                });
        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
    }

    @Test
    void shouldSeeNoCloseCodeFromAGoimStyleTcpClient() throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = builder(Transport.TCP, l).extended(false).reconnect(false).build();
        clients.add(c);
        c.connect().get(5, TimeUnit.SECONDS);
        assertThat(server.sessionsOf(42).get(0).extended()).isFalse();

        server.closeMember(42, CloseCode.KICKED);

        await().atMost(Duration.ofSeconds(5)).until(() -> c.state() == ClientState.CLOSED);
        assertThat(c.lastClose().code()).isEqualTo(CloseStatus.ABNORMAL_CODE);
    }

    @Test
    void shouldFailConnectWhenNothingListens() {
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(1).token("t").group(group)
                .firstConnectTimeout(Duration.ZERO).build();
        clients.add(c);
        assertThatThrownBy(() -> c.connect().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOf(JgoimClientException.class);
        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
    }

    /**
     * Connection refused is a transport failure a reconnect retries, and so does the first connect: with backoff
     * (100-200 ms) until its firstConnectTimeout (1.5 s) leaves no time for another attempt, then it fails with the
     * last refusal (1006), the listener having heard each failed attempt with willReconnect true.
     */
    @Test
    void shouldRetryAFirstConnectThatNothingListensToUntilItsTimeout() {
        RecordingListener l = new RecordingListener();
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(1).token("t").group(group).listener(l)
                .backoff(Duration.ofMillis(100), Duration.ofMillis(200)).firstConnectTimeout(Duration.ofMillis(1500))
                .build();
        clients.add(c);
        long start = System.nanoTime();

        assertThatThrownBy(() -> c.connect().get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(JgoimClientException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.closeStatus().code()).isEqualTo(CloseStatus.ABNORMAL_CODE);
                    assertThat(e.getMessage()).contains("attempts");
                });

        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(ms).as("kept trying until the timeout left no room for another attempt").isBetween(1300L, 4000L);
        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
        assertThat(l.closes.size()).as("attempts, each 100-200 ms apart").isBetween(6, 16);
        assertThat(l.closes.subList(0, l.closes.size() - 1)).allMatch(RecordingListener.Close::willReconnect);
        assertThat(l.closes.get(l.closes.size() - 1).willReconnect()).isFalse();
    }

    @Test
    void shouldCloseADeadConnectionWhenHeartbeatsGoUnanswered() throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = builder(Transport.TCP, l).heartbeatInterval(Duration.ofMillis(50)).heartbeatMaxMissed(2)
                .build();
        clients.add(c);
        c.connect().get(5, TimeUnit.SECONDS);

        AutoCloseable hung = server.stallMember(42);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> !l.closes.isEmpty());
            assertThat(l.closes.get(0).status().reason()).contains("no heartbeat reply");
        } finally {
            hung.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> c.reconnects() >= 1);
    }

    @Test
    void shouldNotReconnectAfterClose() throws Exception {
        RecordingListener l = new RecordingListener();
        JgoimClient c = connected(Transport.WEBSOCKET, l);

        c.close();
        c.close();

        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
        assertThat(l.closes).hasSize(1);
        assertThat(l.closes.get(0).willReconnect()).isFalse();
        assertThat(c.changeRoom("x")).isCompletedExceptionally();
    }

    @Test
    void shouldOwnAndShutDownItsGroupWhenNoneIsShared() throws Exception {
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(server.port(Transport.TCP)).token("{\"mid\":1}")
                .build();
        c.connect().get(5, TimeUnit.SECONDS);

        c.close();

        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.sessionCount() == 0);
        JgoimClient never = JgoimClient.builder().host("127.0.0.1").port(server.port(Transport.TCP)).token("t").build();
        never.close();
        assertThat(never.connect()).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void shouldCarryManyClientsOnOneSmallGroup() throws Exception {
        List<JgoimClient> many = new ArrayList<>();
        RecordingListener l = new RecordingListener();
        for (int i = 0; i < 200; i++) {
            Transport t = i % 2 == 0 ? Transport.TCP : Transport.WEBSOCKET;
            JgoimClient c = builder(t, l).goimToken(i, "", ROOM, "web").build();
            many.add(c);
            clients.add(c);
        }
        CompletableFuture.allOf(many.stream().map(JgoimClient::connect).toArray(CompletableFuture[]::new))
                .get(20, TimeUnit.SECONDS);
        assertThat(server.sessionCount()).isEqualTo(200);

        server.pushRoom(ROOM, 1000, "all");

        await().atMost(Duration.ofSeconds(10)).until(() -> l.pushes.size() == 200);
    }
}
