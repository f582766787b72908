package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A reconnect storm against a slow logic: past {@code protocol.maxPendingConnects} Connects waiting for logic, an auth
 * is refused at once with a retryable 4004 (and an error reply for extended clients), the admitted ones complete when
 * logic answers, and the places come back. Real sockets, the logic twin holding its answers.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class ConnectSheddingIT {
    private static final int EXT = 2;
    private LogicTwin logic;
    private CometServer comet;

    @BeforeEach
    void start() {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of(
                "JGOIM_PROTOCOL_MAX_PENDING_CONNECTS", "2",
                "JGOIM_PROTOCOL_LOGIC_TIMEOUT", "10s")), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    @AfterEach
    void stop() {
        comet.close();
        logic.close();
    }

    @Test
    void shouldRefuseAuthsBeyondThePendingConnectsAtOnceAndAdmitTheRestWhenLogicAnswers() throws Exception {
        CompletableFuture<Void> gate = logic.holdConnects();
        try (TestClient a = TestClient.connect(Mode.TCP, comet);
             TestClient b = TestClient.connect(Mode.TCP, comet);
             TestClient refused = TestClient.connect(Mode.TCP, comet);
             TestClient ws = TestClient.connect(Mode.WS, comet)) {
            a.auth(EXT, CometSessionIT.token(11, "a", ""));
            b.auth(EXT, CometSessionIT.token(12, "b", ""));
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 2);

            long t0 = System.nanoTime();
            refused.auth(EXT, CometSessionIT.token(13, "c", ""));
            byte[] err = refused.next(3000);
            assertThat(err).as("error reply").isNotNull();
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.UNAVAILABLE.code() + ",");
            byte[] bye = refused.next(3000);
            assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
            assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
            assertThat(System.nanoTime() - t0).as("refused at once, not after logicTimeout")
                    .isLessThan(TimeUnit.SECONDS.toNanos(2));
            // A WebSocket client is refused the same way (close code 4004).
            ws.auth(1, CometSessionIT.token(14, "d", ""));
            assertThat(ws.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
            assertThat(comet.metrics().connectsShed()).isEqualTo(2.0);
            assertThat(comet.index().session("c")).isNull();

            gate.complete(null);
            assertThat(TestClient.op(a.next(3000))).isEqualTo(Op.AUTH_REPLY);
            assertThat(TestClient.op(b.next(3000))).isEqualTo(Op.AUTH_REPLY);
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 0);
            assertThat(comet.index().session("a")).isNotNull();
            assertThat(comet.index().session("b")).isNotNull();
        }
        // The places came back: the next auth is admitted.
        try (TestClient later = TestClient.connect(Mode.TCP, comet)) {
            later.auth(EXT, CometSessionIT.token(15, "e", ""));
            assertThat(TestClient.op(later.next(3000))).isEqualTo(Op.AUTH_REPLY);
        }
        assertThat(comet.metrics().connectsShed()).isEqualTo(2.0);
    }

    @Test
    void shouldGiveThePlaceBackWhenLogicFails() throws Exception {
        logic.failConnects(ErrorCode.UNAVAILABLE);
        for (int i = 0; i < 4; i++) {
            try (TestClient c = TestClient.connect(Mode.TCP, comet)) {
                c.auth(EXT, CometSessionIT.token(20 + i, "f" + i, ""));
                byte[] err = c.next(3000);
                assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
                byte[] bye = c.next(3000);
                assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 0);
        assertThat(comet.metrics().connectsShed()).as("failed Connects released their places").isZero();
        logic.failConnects(null);
        try (TestClient ok = TestClient.connect(Mode.TCP, comet)) {
            ok.auth(EXT, CometSessionIT.token(30, "g", ""));
            assertThat(TestClient.op(ok.next(3000))).isEqualTo(Op.AUTH_REPLY);
        }
    }
}
