package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The comet's drain on real sockets: at runtime without a stop (standalone: plain goodbyes), and the close of a
 * comet in a cluster, whose extended clients' goodbyes name the other comet on their own transport.
 */
@ExtendWith(LeakCheck.class)
@Timeout(60)
class CometDrainIT {
    private static CometServer start(LogicTwin logic, InMemoryNodeRegistry registry, String id) {
        Map<String, String> env = new HashMap<>(Map.of("JGOIM_WSS_ENABLED", "false", "JGOIM_TCP_TLS_ENABLED", "false",
                "JGOIM_SHUTDOWN_DRAIN_TIME", "600ms", "JGOIM_NODE_ID", id, "JGOIM_NODE_HOST", "127.0.0.1"));
        env.put("JGOIM_REGISTRY_ENABLED", Boolean.toString(registry != null));
        CometServer c = new CometServer(TestConfigs.ephemeral(env), logic, registry,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        c.start();
        return c;
    }

    private static String token(long mid, String key) {
        return CometSessionIT.token(mid, key, "live://drain");
    }

    /** The DISCONNECT body: int32 code + reason, then NUL + hints JSON when {@code hints} is not null. */
    private static byte[] goodbyeBody(String hints) {
        byte[] reason = CloseCode.SHUTDOWN.reason().getBytes(StandardCharsets.UTF_8);
        byte[] json = hints == null ? new byte[0] : hints.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + reason.length + (hints == null ? 0 : 1 + json.length));
        b.putInt(CloseCode.SHUTDOWN.code()).put(reason);
        if (hints != null) {
            b.put((byte) 0).put(json);
        }
        return b.array();
    }

    private static byte[] body(byte[] frame) {
        return Arrays.copyOfRange(frame, 16, frame.length);
    }

    @Test
    void shouldDrainWithoutStoppingAndRefuseNewSessionsMeanwhile() throws Exception {
        try (LogicTwin logic = LogicTwin.create()) {
            CometServer comet = start(logic, null, "solo");
            try (TestClient ext = TestClient.connect(Mode.TCP, comet)) {
                assertThatThrownBy(() -> new CometServer(comet.config(), logic, null,
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).drain(Duration.ofSeconds(1)))
                        .as("not started").isInstanceOf(IllegalStateException.class);
                ext.auth(2, token(1, "e"));
                assertThat(TestClient.op(ext.next(3000))).isEqualTo(Op.AUTH_REPLY);

                CompletableFuture<Integer> drained = comet.drain(Duration.ofMillis(600));
                byte[] bye = ext.next(2000);
                assertThat(TestClient.op(bye)).isEqualTo(Op.DISCONNECT);
                assertThat(body(bye)).as("no registry, no hints: the plain goodbye").isEqualTo(goodbyeBody(null));
                assertThat(drained.get(2, TimeUnit.SECONDS)).isZero();
                assertThat(comet.isDraining()).isTrue();
                assertThat(comet.drain(Duration.ofMinutes(1))).isSameAs(drained);

                try (TestClient late = TestClient.connect(Mode.TCP, comet)) {
                    late.auth(2, token(2, "l"));
                    assertThat(TestClient.op(late.next(3000))).as("refused").isEqualTo(Op.ERROR_REPLY);
                    byte[] refused = late.next(3000);
                    assertThat(TestClient.op(refused)).isEqualTo(Op.DISCONNECT);
                    assertThat(body(refused)).isEqualTo(goodbyeBody(null));
                    late.closed().get(2, TimeUnit.SECONDS);
                }
                assertThat(comet.sessionCount()).isZero();
                long t0 = System.nanoTime();
                comet.close();
                assertThat(System.nanoTime() - t0).as("nothing left to drain")
                        .isLessThan(TimeUnit.MILLISECONDS.toNanos(600));
            } finally {
                comet.close();
            }
        }
    }

    @Test
    void shouldNameTheOtherCometInTheGoodbyesOfItsCloseOnEachTransport() throws Exception {
        InMemoryNodeRegistry registry = new InMemoryNodeRegistry();
        try (LogicTwin logic = LogicTwin.create()) {
            CometServer a = start(logic, registry, "a");
            CometServer b = start(logic, registry, "b");
            try (TestClient tcp = TestClient.connect(Mode.TCP, a); TestClient ws = TestClient.connect(Mode.WS, a);
                 TestClient goimWs = TestClient.connect(Mode.WS, a)) {
                tcp.auth(2, token(1, "t"));
                ws.auth(2, token(2, "w"));
                goimWs.auth(1, token(3, "g"));
                tcp.next(3000);
                ws.next(3000);
                goimWs.next(3000);
                a.close();

                byte[] tcpBye = tcp.next(2000);
                assertThat(TestClient.op(tcpBye)).isEqualTo(Op.DISCONNECT);
                assertThat(body(tcpBye)).isEqualTo(goodbyeBody("{\"nodes\":[\"127.0.0.1:" + b.tcpAddress().getPort()
                        + "\"]}"));
                byte[] wsBye = ws.next(2000);
                assertThat(TestClient.op(wsBye)).as("a DISCONNECT message before the close frame")
                        .isEqualTo(Op.DISCONNECT);
                assertThat(body(wsBye)).isEqualTo(goodbyeBody("{\"nodes\":[\"127.0.0.1:" + b.wsAddress().getPort()
                        + "\"]}"));
                assertThat(ws.closeCode().get(2, TimeUnit.SECONDS)).isEqualTo(CloseCode.SHUTDOWN.code());
                assertThat(goimWs.closeCode().get(2, TimeUnit.SECONDS)).isEqualTo(CloseCode.SHUTDOWN.code());
                assertThat(goimWs.next(100)).as("goim WebSocket: the close frame alone").isNull();
            } finally {
                a.close();
                b.close();
            }
        }
    }
}
