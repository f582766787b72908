package io.jgoim.comet;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.protocol.rpc.LogicGrpcService;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReply;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReply;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.LogicGrpc;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.stream.StreamState;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling upgrade, node by node: this comet next to nodes from before streams. An older logic has no History call
 * (gRPC UNIMPLEMENTED, over a real gRPC channel here): a ver-3 session is told its streams keep no history
 * (HISTORY_OFF) and stays served, instead of being closed for a resume the cluster cannot do yet. An older job sends
 * room batches without a position: ver-3 sessions get them as plain frames, exactly what a ver-1 session gets.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class OlderNodesIT {
    private static LogicTwin twin;
    private static Server server;
    private static ManagedChannel channel;
    private static CometServer comet;

    /** Logic as a node from before streams serves it: every call but History (which it does not know). */
    private static final class OlderLogic extends LogicGrpc.LogicImplBase {
        private final LogicGrpcService current = new LogicGrpcService(twin);

        @Override
        public void connect(ConnectReq req, StreamObserver<ConnectReply> o) {
            current.connect(req, o);
        }

        @Override
        public void disconnect(DisconnectReq req, StreamObserver<DisconnectReply> o) {
            current.disconnect(req, o);
        }

        @Override
        public void heartbeat(HeartbeatReq req, StreamObserver<HeartbeatReply> o) {
            current.heartbeat(req, o);
        }

        @Override
        public void renewOnline(OnlineReq req, StreamObserver<OnlineReply> o) {
            current.renewOnline(req, o);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        twin = LogicTwin.create().heartbeatSeconds(0);
        String name = "older-logic-" + System.nanoTime();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new OlderLogic()).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        comet = new CometServer(TestConfigs.ephemeral(Map.of()), new GrpcLogicClient(channel, Duration.ofSeconds(3)),
                null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    @AfterAll
    static void stop() {
        if (comet != null) {
            comet.close();
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
        twin.close();
    }

    @Test
    void shouldServeResumingClientsWhenLogicHasNoHistoryCall() throws Exception {
        try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
            // The client held positions from a newer part of the cluster; this logic cannot resume them.
            List<StreamState> reply = StreamKit.authV3(c, 31, "older-31", "live://older",
                    List.of(StreamState.of("live://older", 7, 3), StreamState.of("mid:31", 8, 2)));
            assertThat(reply).extracting(StreamState::stream).containsExactlyInAnyOrder("live://older", "mid:31");
            assertThat(reply).allSatisfy(s -> {
                assertThat(s.asked()).isTrue();
                assertThat(s.code()).isEqualTo(ErrorCode.HISTORY_OFF.code());
            });

            // Still served: a room batch from an older job (no position) arrives as today's plain frames.
            comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId("live://older")
                    .setProto(StreamKit.raw(StreamKit.concat(StreamKit.messages(1, 2, 0)))).build()).join();
            byte[] first = c.next(3000);
            assertThat(first).isNotNull();
            assertThat(TestClient.op(first)).isEqualTo(1000);
            assertThat(TestClient.body(first)).isEqualTo("m1");
            byte[] second = c.next(3000);
            assertThat(TestClient.op(second)).isEqualTo(1000);
            assertThat(TestClient.body(second)).isEqualTo("m2");
            assertThat(c.isActive()).isTrue();
        }
    }

    @Test
    void shouldTakePushesFromAnOlderJobAsPlainFramesForEveryVersion() throws Exception {
        try (TestClient v3 = TestClient.connect(Mode.TCP, comet);
             TestClient v1 = TestClient.connect(Mode.TCP, comet)) {
            StreamKit.authV3(v3, 0, "older-v3", "live://older-job", null);
            v1.auth(1, StreamKit.token(0, "older-v1", "live://older-job"));
            assertThat(TestClient.op(v1.next(3000))).isEqualTo(Op.AUTH_REPLY);

            comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId("live://older-job")
                    .setProto(StreamKit.raw(StreamKit.message(5))).build()).join();
            for (TestClient c : List.of(v3, v1)) {
                byte[] f = c.next(3000);
                assertThat(f).as("plain push").isNotNull();
                assertThat(TestClient.op(f)).isEqualTo(1000);
                assertThat(TestClient.body(f)).isEqualTo("m5");
            }
        }
    }
}
