package io.jgoim.comet.node;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.comet.TestConfigs;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.GrpcCometClient;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Job's gRPC calls against a comet whose only session loop is held busy (as by a whole fan-out pass): on the gRPC
 * listener's own loop ({@code rpc.ioThreads} 1, the default) a push call is answered while the loop is held and its
 * write waits for the loop; on the shared loops ({@code rpc.ioThreads} 0) the same call waits for the loop. A real
 * comet, a real gRPC client over loopback, a real TCP session.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class RpcLoopsIT {
    /** How long the test holds the session loop at most (a bound, in case the test fails before releasing it). */
    private static final long HOLD_MILLIS = 10_000;

    private LogicTwin logic;
    private CometServer comet;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (comet != null) {
            comet.close();
        }
        if (logic != null) {
            logic.close();
        }
    }

    private GrpcCometClient start(String ioThreads) throws Exception {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of("JGOIM_TRANSPORT_WORKER_THREADS", "1",
                "JGOIM_RPC_IO_THREADS", ioThreads)), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        channel = NettyChannelBuilder.forAddress(comet.rpcAddress()).usePlaintext().build();
        GrpcCometClient grpc = new GrpcCometClient(channel, Duration.ofSeconds(20));
        // The connection and its HTTP/2 handshake are made before the loop is held: only the call is measured.
        assertThat(grpc.pushMsg(push("nobody", "warm-up")).get(5, TimeUnit.SECONDS).getMissing()).isEqualTo(1);
        return grpc;
    }

    private static PushMsgReq push(String key, String body) {
        Proto p = Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(
                TestClient.frame(1, 1000, 0, body.getBytes(StandardCharsets.UTF_8)))).build();
        return PushMsgReq.newBuilder().addKeys(key).setProtoOp(1000).setProto(p).build();
    }

    private TestClient session(String key) throws Exception {
        TestClient c = TestClient.connect(Mode.TCP, comet);
        c.auth(1, "{\"mid\":1,\"key\":\"" + key + "\",\"platform\":\"web\",\"accepts\":[1000]}");
        assertThat(TestClient.op(c.next(3000))).isEqualTo(Op.AUTH_REPLY);
        await().until(() -> comet.index().session(key) != null);
        return c;
    }

    /** Holds the comet's only session loop until {@code release} opens (at most {@link #HOLD_MILLIS}). */
    private void holdLoop(CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        comet.index().loops().loop(0).execute(() -> {
            held.countDown();
            try {
                release.await(HOLD_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(5, TimeUnit.SECONDS)).as("loop held").isTrue();
    }

    @Test
    void shouldAnswerAPushCallWhileTheSessionLoopIsHeldOnTheListenersOwnLoop() throws Exception {
        GrpcCometClient grpc = start("1");
        assertThat(comet.config().rpc().ioThreads()).isEqualTo(1);
        try (TestClient c = session("k1")) {
            CountDownLatch release = new CountDownLatch(1);
            holdLoop(release);
            try {
                PushMsgReply r = grpc.pushMsg(push("k1", "while-held")).get(1, TimeUnit.SECONDS);
                assertThat(r.getDelivered()).as("handed to the held loop's session").isEqualTo(1);
                assertThat(c.next(300)).as("written only once the loop is free").isNull();
            } finally {
                release.countDown();
            }
            assertThat(TestClient.body(c.next(3000))).isEqualTo("while-held");
        }
    }

    @Test
    void shouldKeepTheCallWaitingForTheHeldLoopWhenTheListenerSharesTheSessionLoops() throws Exception {
        GrpcCometClient grpc = start("0");
        try (TestClient c = session("k0")) {
            CountDownLatch release = new CountDownLatch(1);
            holdLoop(release);
            CompletableFuture<PushMsgReply> f;
            try {
                f = grpc.pushMsg(push("k0", "after-hold"));
                CompletableFuture<PushMsgReply> call = f;
                assertThatThrownBy(() -> call.get(1, TimeUnit.SECONDS)).as("no answer while the loop is held")
                        .isInstanceOf(TimeoutException.class);
            } finally {
                release.countDown();
            }
            assertThat(f.get(5, TimeUnit.SECONDS).getDelivered()).isEqualTo(1);
            assertThat(TestClient.body(c.next(3000))).isEqualTo("after-hold");
        }
    }
}
