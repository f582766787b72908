package io.jgoim.logic;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.rpc.logic.LogicGrpc;
import io.jgoim.testkit.IdleHttp2Peer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * logic's gRPC port against a peer that sends the HTTP/2 preface and then nothing (no call, no answer), and one that
 * sends nothing at all: before {@code grpc.maxConnectionIdle} such a connection was held for ever. Now it is sent a
 * GOAWAY (NO_ERROR) once idle that long and closed (after gRPC's 10 s grace for the GOAWAY's PING, which these peers
 * never answer), and a real client on the same port is not disturbed: its call succeeds while the idle peers wait,
 * and again after its own channel sat idle past the limit (the channel reconnects on its next call).
 */
@Timeout(60)
class GrpcIdleConnectionIT {
    private static final Duration IDLE = Duration.ofMillis(600);
    private LogicServer logic;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        logic = new LogicServer(LogicConfig.load(null, Map.of("JGOIM_HTTP_ENABLED", "false", "JGOIM_GRPC_PORT", "0",
                "JGOIM_GRPC_MAX_CONNECTION_IDLE", IDLE.toMillis() + "ms")),
                new InMemorySessionDirectory(Duration.ofMinutes(1)), new InMemoryPushPublisher(),
                new InMemoryNodeRegistry(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        logic.start();
        channel = NettyChannelBuilder.forAddress(logic.grpcAddress()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (logic != null) {
            logic.close();
        }
    }

    @Test
    void shouldCloseAConnectionThatOpensNoCallOnceIdleAndServeOthers() throws Exception {
        assertThat(serving()).isTrue();
        IdleHttp2Peer.Outcome idle = IdleHttp2Peer.idleAfterPreface(logic.grpcAddress(), Duration.ofSeconds(20));
        IdleHttp2Peer.assertClosedIdle(idle, IDLE, "grpc.maxConnectionIdle");
        // A peer that sends nothing at all is closed the same way.
        IdleHttp2Peer.Outcome silent = IdleHttp2Peer.silent(logic.grpcAddress(), Duration.ofSeconds(20));
        System.out.printf("%s: preface then idle %s; silent %s%n", getClass().getSimpleName(), idle, silent);
        IdleHttp2Peer.assertClosedIdle(silent, IDLE, "grpc.maxConnectionIdle");
        // The real client's channel sat idle too (longer than the limit): its next call reconnects and succeeds.
        assertThat(serving()).isTrue();
        Thread.sleep(2 * IDLE.toMillis());
        assertThat(serving()).isTrue();
    }

    private boolean serving() {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(LogicGrpc.SERVICE_NAME).build());
        return r.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
    }
}
