package io.jgoim.comet;

import io.jgoim.comet.TestClient.Mode;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.Op;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real comet on 127.0.0.1 over a {@link LogicTwin} with {@link StreamKit#HISTORY}, with one authenticated ver-1 TCP
 * bystander, for the stream ITs: each case ends by proving the bystander still answers heartbeats. One per test
 * class; closes the bystander, the comet and the twin in that order.
 */
final class StreamComet implements AutoCloseable {
    private final LogicTwin logic;
    private final CometServer comet;
    private final StreamKit kit;
    private final TestClient bystander;

    /** @param env config overrides in env form (e.g. JGOIM_HISTORY_RESUME_TIMEOUT) */
    StreamComet(Map<String, String> env) throws Exception {
        logic = LogicTwin.create(StreamKit.HISTORY).heartbeatSeconds(0);
        comet = new CometServer(TestConfigs.ephemeral(env), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        kit = new StreamKit(logic, comet);
        bystander = TestClient.connect(Mode.TCP, comet);
        bystander.auth(1, StreamKit.token(1, "bystander", "live://bystander"));
        assertThat(TestClient.op(bystander.next(3000))).isEqualTo(Op.AUTH_REPLY);
    }

    LogicTwin logic() {
        return logic;
    }

    CometServer comet() {
        return comet;
    }

    StreamKit kit() {
        return kit;
    }

    /** The bystander answers a heartbeat and is still registered: nothing but the case's sessions was hurt. */
    void assertBystanderServed() throws Exception {
        bystander.send(1, Op.HEARTBEAT, 77, new byte[0]);
        byte[] hb = bystander.next(3000);
        assertThat(hb).as("the bystander's heartbeat reply").isNotNull();
        assertThat(TestClient.op(hb)).isEqualTo(Op.HEARTBEAT_REPLY);
        assertThat(comet.index().session("bystander")).isNotNull();
    }

    @Override
    public void close() {
        bystander.close();
        comet.close();
        logic.close();
    }
}
