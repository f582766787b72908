package io.jgoim.comet.push;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.comet.TestConfigs;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event loops' coalescing on real sockets: TCP and WebSocket clients in one room of a real comet. Over WebSocket
 * one binary message is one server write, so the clients count messages per write exactly; TCP clients check that
 * every frame arrives in order and the comet's counters give the messages per write. The loops are held busy by a
 * task that waits on a latch, which makes "arrives while the loop is writing" exact, not a race.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class LoopCoalescingIT {
    private static final String ROOM = "live://coalesce";
    private static LogicTwin logic;
    private static CometServer comet;
    private static final List<TestClient> tcp = new ArrayList<>();
    private static final List<TestClient> ws = new ArrayList<>();
    private static final Set<EventExecutor> loops = new LinkedHashSet<>();

    @BeforeAll
    static void start() throws Exception {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of()), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        for (int i = 0; i < 3; i++) {
            tcp.add(authed(Mode.TCP, "t" + i));
            ws.add(authed(Mode.WS, "w" + i));
        }
        for (int i = 0; i < 3; i++) {
            loops.add(comet.index().session("t" + i).channel().eventLoop());
            loops.add(comet.index().session("w" + i).channel().eventLoop());
        }
    }

    @AfterAll
    static void stop() {
        tcp.forEach(TestClient::close);
        ws.forEach(TestClient::close);
        comet.close();
        logic.close();
    }

    private static TestClient authed(Mode mode, String key) throws Exception {
        TestClient c = TestClient.connect(mode, comet);
        c.auth(1, "{\"mid\":1,\"key\":\"" + key + "\",\"room_id\":\"" + ROOM
                + "\",\"platform\":\"web\",\"accepts\":[1000]}");
        byte[] reply = c.next(3000);
        assertThat(reply).as("auth reply").isNotNull();
        assertThat(TestClient.op(reply)).isEqualTo(Op.AUTH_REPLY);
        return c;
    }

    private static CompletableFuture<BroadcastRoomReply> push(String body) {
        Proto p = Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(
                TestClient.frame(1, 1000, 0, body.getBytes(StandardCharsets.UTF_8)))).build();
        return comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(ROOM).setProto(p).build());
    }

    /** Holds every session loop busy until the returned latch is counted down. */
    private static CountDownLatch holdLoops() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(loops.size());
        for (EventExecutor loop : loops) {
            loop.execute(() -> {
                held.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    /** The bodies of the goim frames in one WebSocket message (an op-9 wrapping them). */
    private static List<String> wsMessage(TestClient c) throws Exception {
        byte[] m = c.next(5000);
        assertThat(m).as("a WebSocket message").isNotNull();
        assertThat(TestClient.op(m)).isEqualTo(Op.RAW);
        List<String> bodies = new ArrayList<>();
        for (int at = PacketLayout.HEADER_LENGTH; at < m.length; ) {
            int len = ((m[at] & 0xff) << 24) | ((m[at + 1] & 0xff) << 16) | ((m[at + 2] & 0xff) << 8) | (m[at + 3] & 0xff);
            bodies.add(new String(m, at + PacketLayout.HEADER_LENGTH, len - PacketLayout.HEADER_LENGTH,
                    StandardCharsets.UTF_8));
            at += len;
        }
        return bodies;
    }

    private static List<String> tcpFrames(TestClient c, int n) throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] f = c.next(5000);
            assertThat(f).as("frame " + i).isNotNull();
            out.add(TestClient.body(f));
        }
        return out;
    }

    private static double messages() {
        return comet.metrics().registry().get("jgoim_comet_fanout_messages").counter().count();
    }

    private static double writes() {
        return comet.metrics().registry().get("jgoim_comet_fanout_writes").counter().count();
    }

    @Test
    void shouldWriteAnIdleRoomsMessageAloneAndGatherABusyLoopsBacklogIntoOneWritePerSession() throws Exception {
        double m0 = messages();
        double w0 = writes();
        assertThat(push("alone").get(10, TimeUnit.SECONDS).getDelivered()).isEqualTo(6);
        for (TestClient c : ws) {
            assertThat(wsMessage(c)).containsExactly("alone");
        }
        for (TestClient c : tcp) {
            assertThat(tcpFrames(c, 1)).containsExactly("alone");
        }
        assertThat(messages() - m0).as("one message per write when idle").isEqualTo(writes() - w0);

        CountDownLatch release = holdLoops();
        double m1 = messages();
        double w1 = writes();
        List<CompletableFuture<BroadcastRoomReply>> replies = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            replies.add(push("b" + i));
        }
        release.countDown();
        for (var r : replies) {
            assertThat(r.get(10, TimeUnit.SECONDS).getDelivered()).isEqualTo(6);
        }
        List<String> all = List.of("b1", "b2", "b3", "b4", "b5");
        for (TestClient c : ws) {
            assertThat(wsMessage(c)).as("one write carrying the five").containsExactlyElementsOf(all);
        }
        for (TestClient c : tcp) {
            assertThat(tcpFrames(c, 5)).containsExactlyElementsOf(all);
        }
        assertThat(writes() - w1).as("one write per loop pass").isEqualTo(loops.size());
        assertThat(messages() - m1).isEqualTo(5.0 * loops.size());
    }

    @Test
    void shouldKeepOrderAcrossGatheredPasses() throws Exception {
        List<String> expected = new ArrayList<>();
        List<List<String>> perPass = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            CountDownLatch release = holdLoops();
            List<CompletableFuture<BroadcastRoomReply>> replies = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i <= pass; i++) {
                String b = "p" + pass + "-" + i;
                bodies.add(b);
                replies.add(push(b));
            }
            release.countDown();
            for (var r : replies) {
                r.get(10, TimeUnit.SECONDS);
            }
            expected.addAll(bodies);
            perPass.add(bodies);
        }
        for (TestClient c : ws) {
            for (List<String> pass : perPass) {
                assertThat(wsMessage(c)).containsExactlyElementsOf(pass);
            }
        }
        for (TestClient c : tcp) {
            assertThat(tcpFrames(c, expected.size())).containsExactlyElementsOf(expected);
        }
    }
}
