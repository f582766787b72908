package io.jgoim.comet;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.jgoim.comet.TestClient.Mode;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.logic.LogicChannels;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.protocol.rpc.LogicGrpcService;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connect storm into a slow logic over gRPC, through the comet's client-side throttle as deployed (default
 * {@code logic.throttle}: k 2, 10 s window, 20 requests minimum): Connects still waiting for logic are not refusals,
 * so every auth of the storm is admitted once logic answers (issue 19: the throttle took them for refusals and closed
 * nearly every session of a cold cluster's storm with 4004). A logic that does fail its Connects is still throttled:
 * past the minimum the comet refuses locally, at once, with the retryable 4004.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class ConnectStormThrottleIT {
    private static final int EXT = 2;
    private static final int STORM = 60; // three times the throttle's minRequests
    private LogicTwin logic;
    private Server logicServer;
    private ManagedChannel channel;
    private CometServer comet;
    private PrometheusMeterRegistry meters;

    @BeforeEach
    void start() throws Exception {
        logic = LogicTwin.create().heartbeatSeconds(0);
        String name = "logic-" + System.nanoTime();
        logicServer = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new LogicGrpcService(logic)).build().start();
        CometConfig config = TestConfigs.ephemeral(Map.of("JGOIM_PROTOCOL_LOGIC_TIMEOUT", "20s",
                "JGOIM_WSS_ENABLED", "false", "JGOIM_TCP_TLS_ENABLED", "false"));
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        channel = InProcessChannelBuilder.forName(name).directExecutor()
                .intercept(LogicChannels.throttle(config.logic(), meters)).build();
        comet = new CometServer(config, new GrpcLogicClient(channel, Duration.ofSeconds(20)), null, meters);
        comet.start();
    }

    @AfterEach
    void stop() {
        comet.close();
        channel.shutdownNow();
        logicServer.shutdownNow();
        logic.close();
    }

    private double throttled() {
        return meters.get("jgoim_comet_throttle_rejected").tag("peer", "logic").counter().count();
    }

    @Test
    void shouldAdmitEveryAuthOfAStormWhileLogicIsSlowToAnswer() throws Exception {
        CompletableFuture<Void> gate = logic.holdConnects();
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < STORM; i++) {
                TestClient c = TestClient.connect(Mode.TCP, comet);
                clients.add(c);
                c.auth(EXT, CometSessionIT.token(100 + i, "storm-" + i, ""));
            }
            // Every auth reached logic and waits there; none was refused meanwhile.
            await().atMost(Duration.ofSeconds(10)).until(() -> logic.connects().size() == STORM);
            assertThat(comet.connectsPending()).isEqualTo(STORM);
            assertThat(throttled()).as("Connects refused locally while logic was slow").isZero();

            gate.complete(null);
            int admitted = 0;
            int refused = 0;
            for (TestClient c : clients) {
                byte[] f = c.next(5000);
                if (f != null && TestClient.op(f) == Op.AUTH_REPLY) {
                    admitted++;
                } else {
                    refused++;
                }
            }
            assertThat(admitted).isEqualTo(STORM);
            assertThat(refused).isZero();
            assertThat(comet.sessionCount()).isEqualTo(STORM);
            assertThat(throttled()).isZero();
        } finally {
            for (TestClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void shouldStillRefuseLocallyWithTheRetryableCodeWhenLogicFailsItsConnects() throws Exception {
        logic.failConnects(ErrorCode.UNAVAILABLE);
        int closed4004 = 0;
        for (int i = 0; i < STORM; i++) {
            try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
                c.auth(EXT, CometSessionIT.token(200 + i, "down-" + i, ""));
                byte[] err = c.next(3000);
                assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
                byte[] bye = c.next(3000);
                assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
                if (TestClient.intBody(bye) == CloseCode.LOGIC_UNAVAILABLE.code()) {
                    closed4004++;
                }
            }
        }
        assertThat(closed4004).as("every auth closed with the retryable 4004").isEqualTo(STORM);
        // Past the 20 requests the throttle needs, most never reached logic (k × 0 accepts: p = n / (n + 1)).
        assertThat(throttled()).isGreaterThan(STORM - 20 - 10);
        assertThat(logic.connects().size()).isLessThan(20 + 10);
        assertThat(comet.sessionCount()).isZero();
    }
}
