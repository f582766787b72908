package io.jgoim.comet.logic;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.protocol.rpc.LogicGrpcService;
import io.jgoim.protocol.rpc.logic.LogicGrpc;
import io.jgoim.protocol.rpc.logic.NodesReq;
import io.jgoim.testkit.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comet's channel to logic ({@link LogicChannels#build}, as production builds it) while logic refuses its
 * connections for 30 s (a partition, every logic node restarting behind a load balancer), with a call every 200 ms, as
 * connects would come. gRPC's connection back-off has grown to ~17 s by then, so without more the next attempt would
 * come ~13 s after logic is back, every auth meanwhile refused with 4004. With {@code PromptReconnect} a call succeeds
 * within about two seconds of logic's return.
 */
@Timeout(120)
class LogicReconnectIT {
    private static final long AWAY_MILLIS = 30_000;

    @Test
    void callsSucceedWithinSecondsOfLogicsReturnHoweverLongItWasAway() throws Exception {
        LogicTwin logic = LogicTwin.create();
        HealthStatusManager health = new HealthStatusManager();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new LogicGrpcService(logic)).addService(health.getHealthService()).build().start();
        health.setStatus(LogicGrpc.SERVICE_NAME, HealthCheckResponse.ServingStatus.SERVING);
        TcpProxy path = new TcpProxy(new InetSocketAddress("127.0.0.1", server.getPort()), 0);
        ManagedChannel channel = LogicChannels.build(path.address(), null, null, b -> b.usePlaintext());
        GrpcLogicClient client = new GrpcLogicClient(channel, Duration.ofSeconds(2));
        try {
            assertThat(succeeds(client, Duration.ofSeconds(30))).as("logic answers before the cut").isTrue();
            path.reject();
            long awayUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAY_MILLIS);
            int failed = 0;
            while (System.nanoTime() < awayUntil) {
                if (!succeeds(client, Duration.ofMillis(200))) {
                    failed++;
                }
                Thread.sleep(200);
            }
            assertThat(failed).as("calls failed while logic refused").isPositive();
            path.restore();
            long back = System.nanoTime();
            long ms = -1;
            while (System.nanoTime() - back < TimeUnit.SECONDS.toNanos(40)) {
                if (succeeds(client, Duration.ofMillis(200))) {
                    ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
                    break;
                }
                Thread.sleep(100);
            }
            System.out.printf("LogicReconnectIT: away %d ms (%d calls failed), first call through %d ms after logic "
                    + "was back%n", AWAY_MILLIS, failed, ms);
            assertThat(ms).as("ms from logic's return to the first call through").isBetween(0L, 5_000L);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            path.close();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            logic.close();
        }
    }

    private static boolean succeeds(GrpcLogicClient client, Duration wait) {
        try {
            client.nodes(NodesReq.newBuilder().build()).get(wait.toMillis() + 2_000, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
