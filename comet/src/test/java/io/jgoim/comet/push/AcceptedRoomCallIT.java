package io.jgoim.comet.push;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.comet.TestConfigs;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.GrpcCometClient;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Room calls answered ACCEPTED (job's default, issue 17) on a real comet over real gRPC and real sockets: the answer
 * comes once every event loop took the batch, yet a member that stops reading is still dropped, counted and closed
 * with SLOW within its byte bound, and a member that reads gets every push once, in the order of the calls.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class AcceptedRoomCallIT {
    private static LogicTwin logic;
    private static CometServer comet;
    private static ManagedChannel channel;
    private static GrpcCometClient grpc;

    @BeforeAll
    static void start() {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of(
                "JGOIM_OUTBOUND_HIGH_WATER_MARK_BYTES", "16384",
                "JGOIM_OUTBOUND_LOW_WATER_MARK_BYTES", "8192",
                "JGOIM_OUTBOUND_SLOW_CLOSE_AFTER", "300ms",
                "JGOIM_TCP_SEND_BUFFER_BYTES", "8192")), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        channel = NettyChannelBuilder.forAddress(comet.rpcAddress()).usePlaintext().build();
        grpc = new GrpcCometClient(channel, Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        comet.close();
        logic.close();
    }

    private static String token(long mid, String key, String room) {
        return "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"" + room
                + "\",\"platform\":\"web\",\"accepts\":[1000]}";
    }

    private static Proto numbered(int n, String padding) {
        byte[] body = ("n" + n + " " + padding).getBytes(StandardCharsets.UTF_8);
        return Proto.newBuilder().setVer(1).setOp(Op.RAW)
                .setBody(ByteString.copyFrom(TestClient.frame(1, 1000, n, body))).build();
    }

    @Test
    void shouldCloseASlowMemberWithSlowAndKeepTheOrderForTheOthersWhenCallsAreAnsweredAccepted() throws Exception {
        String room = "live://accepted";
        int high = comet.config().outbound().highWaterMarkBytes();
        double slowClosesBefore = comet.metrics().closes(CloseCode.SLOW);
        double slowDropsBefore = comet.metrics().drops(DropReason.SLOW);
        try (Socket slow = new Socket();
             TestClient fast = TestClient.connect(Mode.TCP, comet)) {
            fast.auth(1, token(1, "fast", room));
            assertThat(TestClient.op(fast.next(3000))).isEqualTo(Op.AUTH_REPLY);
            slow.setReceiveBufferSize(4096);
            slow.connect(comet.tcpAddress());
            OutputStream out = slow.getOutputStream();
            out.write(TestClient.frame(1, Op.AUTH, 1, token(2, "slow", room).getBytes(StandardCharsets.UTF_8)));
            out.flush();
            InputStream in = slow.getInputStream();
            assertThat(ByteBuffer.wrap(in.readNBytes(16)).getInt(8)).isEqualTo(Op.AUTH_REPLY);
            await().until(() -> comet.index().session("slow") != null && comet.index().room(room).online() == 2);
            Session slowSession = comet.index().session("slow");

            String padding = "x".repeat(1000);
            long maxPending = 0;
            int pushes = 0;
            int fastGot = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (slowSession.channel().isActive() && System.nanoTime() < deadline) {
                BroadcastRoomReply r = grpc.broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room)
                        .setProto(numbered(pushes, padding)).setAck(BroadcastRoomReq.Ack.ACCEPTED).build())
                        .get(5, TimeUnit.SECONDS);
                assertThat(r.getDropped()).as("an ACCEPTED answer counts no drop").isZero();
                assertThat(r.getDelivered()).as("the members it was handed to").isBetween(1, 2);
                pushes++;
                var ob = slowSession.channel().unsafe().outboundBuffer();
                if (ob != null) {
                    maxPending = Math.max(maxPending, ob.totalPendingWriteBytes());
                }
                for (byte[] f; pushes - fastGot > 50 && (f = fast.next(2000)) != null; fastGot++) {
                    assertThat(TestClient.seq(f)).as("push %d to the fast member", fastGot).isEqualTo(fastGot);
                }
                if (pushes % 20 == 0) {
                    Thread.sleep(20);
                }
            }
            assertThat(slowSession.channel().isActive()).as("slow session closed").isFalse();
            assertThat(maxPending).as("outbound bytes held for the slow session: one merged write past its bound")
                    .isLessThanOrEqualTo(high + LoopFanOut.MAX_WRITE_BYTES + 2 * 1024L);
            assertThat(comet.metrics().closes(CloseCode.SLOW)).isEqualTo(slowClosesBefore + 1);
            assertThat(comet.metrics().drops(DropReason.SLOW)).isGreaterThan(slowDropsBefore);
            await().atMost(Duration.ofSeconds(3)).until(() -> comet.index().session("slow") == null);
            for (; fastGot < pushes; fastGot++) {
                byte[] f = fast.next(3000);
                assertThat(f).as("push %d to the fast member", fastGot).isNotNull();
                assertThat(TestClient.seq(f)).isEqualTo(fastGot);
            }
            assertThat(fast.next(300)).as("nothing twice").isNull();
        }
    }
}
