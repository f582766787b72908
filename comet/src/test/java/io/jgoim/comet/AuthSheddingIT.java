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
 * Adaptive shedding of the comet's auth path over real sockets: with the comet's CPU reading injected high
 * ({@link io.jgoim.comet.session.AuthShedding#cpuReading}) and two auths held at logic (more in flight than the
 * capacity it measured: none yet), a new auth is refused before logic is called — an extended client gets error 302
 * then DISCONNECT 4015, a WebSocket client close 4015 — and sessions already authenticating are not disturbed. With
 * the CPU healthy again and the cool-down over, auths are admitted.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class AuthSheddingIT {
    private static final int EXT = 2;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private LogicTwin logic;
    private CometServer comet;

    @BeforeEach
    void start() {
        logic = LogicTwin.create().heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(Map.of("JGOIM_PROTOCOL_LOGIC_TIMEOUT", "10s",
                "JGOIM_OVERLOAD_ENABLED", "true")), logic, null,
                registry);
        comet.start();
    }

    @AfterEach
    void stop() {
        comet.close();
        logic.close();
    }

    private double shed() {
        return registry.get("jgoim_comet_overload_shed").tags("place", "auth").counter().count();
    }

    @Test
    void shouldCloseWith4015WhileCpuIsHighAndAuthsExceedCapacity() throws Exception {
        assertThat(shed()).isZero(); // registered at start
        comet.authShedding().cpuReading(() -> 950);
        CompletableFuture<Void> gate = logic.holdConnects();
        try (TestClient a = TestClient.connect(Mode.TCP, comet);
             TestClient b = TestClient.connect(Mode.TCP, comet);
             TestClient refused = TestClient.connect(Mode.TCP, comet);
             TestClient ws = TestClient.connect(Mode.WS, comet)) {
            a.auth(EXT, CometSessionIT.token(11, "a", ""));
            b.auth(EXT, CometSessionIT.token(12, "b", ""));
            await().atMost(Duration.ofSeconds(5)).until(() -> comet.connectsPending() == 2);
            int connectsBefore = logic.connects().size();

            refused.auth(EXT, CometSessionIT.token(13, "c", ""));
            byte[] err = refused.next(3000);
            assertThat(TestClient.op(err)).isEqualTo(Op.ERROR_REPLY);
            assertThat(TestClient.body(err)).startsWith("{\"code\":" + ErrorCode.OVERLOADED.code() + ",");
            byte[] bye = refused.next(3000);
            assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
            assertThat(TestClient.intBody(bye)).isEqualTo(CloseCode.OVERLOADED.code());
            ws.auth(1, CometSessionIT.token(14, "d", ""));
            assertThat(ws.closeCode().get(3, TimeUnit.SECONDS)).isEqualTo(CloseCode.OVERLOADED.code());
            assertThat(logic.connects()).as("refused before logic was called").hasSize(connectsBefore);
            assertThat(shed()).isEqualTo(2.0);

            gate.complete(null);
            assertThat(TestClient.op(a.next(3000))).isEqualTo(Op.AUTH_REPLY);
            assertThat(TestClient.op(b.next(3000))).isEqualTo(Op.AUTH_REPLY);
        }
        comet.authShedding().cpuReading(() -> 100);
        Thread.sleep(1_100); // the cool-down
        try (TestClient later = TestClient.connect(Mode.TCP, comet)) {
            later.auth(EXT, CometSessionIT.token(15, "e", ""));
            assertThat(TestClient.op(later.next(3000))).isEqualTo(Op.AUTH_REPLY);
        }
        assertThat(shed()).isEqualTo(2.0);
    }
}
