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
 * waits up to {@code protocol.connectWait} for a place and gets in when one comes back; one that gets none in that time
 * (or with waiting off: at once) is refused with a retryable 4004 (and an error reply for extended clients), the
 * admitted ones complete when logic answers, and the places come back. Real sockets, the logic twin holding its
 * answers.
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
    }

    private void startComet(String connectWait) {
        comet = new CometServer(TestConfigs.ephemeral(Map.of(
                "JGOIM_PROTOCOL_MAX_PENDING_CONNECTS", "2",
                "JGOIM_PROTOCOL_CONNECT_WAIT", connectWait,
                "JGOIM_PROTOCOL_LOGIC_TIMEOUT", "10s")), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
    }

    @AfterEach
    void stop() {
        if (comet != null) {
            comet.close();
        }
        logic.close();
    }

    @Test
    void shouldLetAnAuthBeyondThePendingConnectsWaitForAPlaceAndGetIn() throws Exception {
        startComet("30s");
        CompletableFuture<Void> gate = logic.holdConnects();
        try (TestClient a = TestClient.connect(Mode.TCP, comet);
             TestClient b = TestClient.connect(Mode.TCP, comet);
             TestClient c = TestClient.connect(Mode.TCP, comet);
             TestClient ws = TestClient.connect(Mode.WS, comet)) {
            a.auth(EXT, CometSessionIT.token(11, "a", ""));
            b.auth(EXT, CometSessionIT.token(12, "b", ""));
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 2);
            c.auth(EXT, CometSessionIT.token(13, "c", ""));
            ws.auth(1, CometSessionIT.token(14, "d", ""));
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.metrics().admission().connectsWaited() == 2.0);
            assertThat(comet.connectsPending()).as("the waiting auths hold no place").isEqualTo(2);
            assertThat(logic.connects().size()).as("and reached logic not yet").isEqualTo(2);

            gate.complete(null);
            for (TestClient t : new TestClient[] {a, b, c}) {
                assertThat(TestClient.op(t.next(3000))).isEqualTo(Op.AUTH_REPLY);
            }
            assertThat(TestClient.op(ws.next(3000))).isEqualTo(Op.AUTH_REPLY);
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 0);
            for (String key : new String[] {"a", "b", "c", "d"}) {
                assertThat(comet.index().session(key)).as(key).isNotNull();
            }
            assertThat(logic.connects().size()).isEqualTo(4);
        }
        assertThat(comet.metrics().admission().connectsShed()).isZero();
    }

    @Test
    void shouldRefuseAnAuthWhoseWaitForAPlaceRanOutAndLeaveTheOthersAlone() throws Exception {
        startComet("300ms");
        CompletableFuture<Void> gate = logic.holdConnects();
        try (TestClient a = TestClient.connect(Mode.TCP, comet);
             TestClient b = TestClient.connect(Mode.TCP, comet);
             TestClient late = TestClient.connect(Mode.TCP, comet)) {
            a.auth(EXT, CometSessionIT.token(11, "a", ""));
            b.auth(EXT, CometSessionIT.token(12, "b", ""));
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 2);
            late.auth(EXT, CometSessionIT.token(13, "c", ""));
            byte[] err = late.next(5000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.UNAVAILABLE.code() + ",")
                    .contains("no place among the 2 Connects to logic came within");
            byte[] bye = late.next(3000);
            assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.LOGIC_UNAVAILABLE.code());
            assertThat(comet.metrics().admission().connectsShed()).isEqualTo(1.0);
            assertThat(comet.metrics().admission().connectsWaited()).isEqualTo(1.0);
            assertThat(logic.connects().size()).as("its token never reached logic").isEqualTo(2);

            gate.complete(null);
            assertThat(TestClient.op(a.next(3000))).isEqualTo(Op.AUTH_REPLY);
            assertThat(TestClient.op(b.next(3000))).isEqualTo(Op.AUTH_REPLY);
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 0);
        }
    }

    @Test
    void shouldGiveThePlaceBackWhenAWaitingClientLeaves() throws Exception {
        startComet("30s");
        CompletableFuture<Void> gate = logic.holdConnects();
        try (TestClient a = TestClient.connect(Mode.TCP, comet);
             TestClient b = TestClient.connect(Mode.TCP, comet)) {
            a.auth(EXT, CometSessionIT.token(11, "a", ""));
            b.auth(EXT, CometSessionIT.token(12, "b", ""));
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 2);
            try (TestClient gone = TestClient.connect(Mode.TCP, comet)) {
                gone.auth(EXT, CometSessionIT.token(13, "c", ""));
                await().atMost(Duration.ofSeconds(5)).until(() -> comet.metrics().admission().connectsWaited() == 1.0);
            }
            TestClient next = TestClient.connect(Mode.TCP, comet);
            try (next) {
                next.auth(EXT, CometSessionIT.token(14, "d", ""));
                await().atMost(Duration.ofSeconds(5)).until(() -> comet.metrics().admission().connectsWaited() == 2.0);
                gate.complete(null);
                assertThat(TestClient.op(next.next(3000))).isEqualTo(Op.AUTH_REPLY);
                assertThat(TestClient.op(a.next(3000))).isEqualTo(Op.AUTH_REPLY);
                assertThat(TestClient.op(b.next(3000))).isEqualTo(Op.AUTH_REPLY);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 0);
            assertThat(comet.index().session("c")).as("the client that left never got in").isNull();
            assertThat(logic.connects().size()).as("and its token never reached logic").isEqualTo(3);
        }
        assertThat(comet.metrics().admission().connectsShed()).isZero();
    }

    @Test
    void shouldRefuseAuthsBeyondThePendingConnectsAtOnceWithWaitingOffAndAdmitTheRestWhenLogicAnswers()
            throws Exception {
        startComet("0s");
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
            assertThat(comet.metrics().admission().connectsShed()).isEqualTo(2.0);
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
        assertThat(comet.metrics().admission().connectsShed()).isEqualTo(2.0);
    }

    @Test
    void shouldGiveThePlaceBackWhenLogicFails() throws Exception {
        startComet("2s");
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
        assertThat(comet.metrics().admission().connectsShed()).as("failed Connects released their places").isZero();
        logic.failConnects(null);
        try (TestClient ok = TestClient.connect(Mode.TCP, comet)) {
            ok.auth(EXT, CometSessionIT.token(30, "g", ""));
            assertThat(TestClient.op(ok.next(3000))).isEqualTo(Op.AUTH_REPLY);
        }
    }
}
