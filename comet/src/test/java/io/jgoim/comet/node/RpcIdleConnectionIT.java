package io.jgoim.comet.node;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestClient;
import io.jgoim.comet.TestConfigs;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.GrpcCometClient;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.IdleHttp2Peer;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comet's gRPC listener (what job calls) against a peer that sends the HTTP/2 preface and then nothing, and one
 * that sends nothing at all: before {@code rpc.maxConnectionIdle} such a connection was held for ever. Now it is sent
 * a GOAWAY (NO_ERROR) once idle that long and closed (after gRPC's 10 s grace for the GOAWAY's PING, which these peers
 * never answer), and job's channel on the same port is not disturbed: its push call is answered before, and again
 * after the channel itself sat idle past the limit (it reconnects on its next call).
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class RpcIdleConnectionIT {
    private static final Duration IDLE = Duration.ofMillis(600);
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

    @Test
    void shouldCloseAConnectionThatOpensNoCallOnceIdleAndServeJob() throws Exception {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of("JGOIM_RPC_MAX_CONNECTION_IDLE", IDLE.toMillis() + "ms")),
                logic, null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        assertThat(comet.config().rpc().maxConnectionIdle()).isEqualTo(IDLE);
        channel = NettyChannelBuilder.forAddress(comet.rpcAddress()).usePlaintext().build();
        GrpcCometClient grpc = new GrpcCometClient(channel, Duration.ofSeconds(5));
        assertThat(missing(grpc)).isEqualTo(1);
        IdleHttp2Peer.Outcome idle = IdleHttp2Peer.idleAfterPreface(comet.rpcAddress(), Duration.ofSeconds(20));
        IdleHttp2Peer.assertClosedIdle(idle, IDLE, "rpc.maxConnectionIdle");
        // A peer that sends nothing at all is closed the same way.
        IdleHttp2Peer.Outcome silent = IdleHttp2Peer.silent(comet.rpcAddress(), Duration.ofSeconds(20));
        System.out.printf("%s: preface then idle %s; silent %s%n", getClass().getSimpleName(), idle, silent);
        IdleHttp2Peer.assertClosedIdle(silent, IDLE, "rpc.maxConnectionIdle");
        assertThat(missing(grpc)).isEqualTo(1);
        Thread.sleep(2 * IDLE.toMillis());
        assertThat(missing(grpc)).as("job's channel reconnects after its own idle close").isEqualTo(1);
    }

    /** A push to a key no session holds: the comet answers it as missing. */
    private static int missing(GrpcCometClient grpc) throws Exception {
        Proto p = Proto.newBuilder().setVer(1).setOp(Op.RAW).setBody(ByteString.copyFrom(
                TestClient.frame(1, 1000, 0, "x".getBytes(StandardCharsets.UTF_8)))).build();
        return grpc.pushMsg(PushMsgReq.newBuilder().addKeys("nobody").setProtoOp(1000).setProto(p).build())
                .get(5, TimeUnit.SECONDS).getMissing();
    }
}
