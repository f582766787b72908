package io.jgoim.comet.limit;

import io.jgoim.comet.CometServer;
import io.jgoim.comet.TestConfigs;
import io.jgoim.logic.testing.LogicTwin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.HashMap;
import java.util.Map;

/**
 * A comet on ephemeral ports in front of a logic twin (no heartbeat expected), every limit off except the settings a
 * test names ({@code JGOIM_LIMITS_*}, {@code JGOIM_PROXY_*}, ...): what the limit ITs start, so each says only what
 * it turns on. Closed by the test.
 */
record LimitedComet(LogicTwin logic, CometServer comet) implements AutoCloseable {
    static LimitedComet start(Map<String, String> settings) {
        LogicTwin logic = LogicTwin.create().heartbeatSeconds(0);
        Map<String, String> env = new HashMap<>(TestConfigs.LIMITS_OFF);
        env.putAll(settings);
        CometServer comet = new CometServer(TestConfigs.ephemeral(env), logic, null,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        comet.start();
        return new LimitedComet(logic, comet);
    }

    @Override
    public void close() {
        comet.close();
        logic.close();
    }
}
