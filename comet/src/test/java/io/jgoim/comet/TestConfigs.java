package io.jgoim.comet;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.testkit.TestLimits;
import java.util.HashMap;
import java.util.Map;

/** Comet configs for tests: every listener on 127.0.0.1 port 0, two event loops, short drain. */
public final class TestConfigs {
    /** Every rate limit and ban off (the env names of limits.*): {@link TestLimits#OFF_ENV}. */
    public static final Map<String, String> LIMITS_OFF = TestLimits.OFF_ENV;

    private TestConfigs() {
    }

    /** The test defaults with {@code overrides} (env-style names, e.g. JGOIM_PROTOCOL_HANDSHAKE_TIMEOUT). */
    public static CometConfig ephemeral(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        for (String l : new String[] {"TCP", "WEB_SOCKET", "WSS", "RPC", "ADMIN"}) {
            env.put("JGOIM_" + l + "_BIND", "127.0.0.1");
            env.put("JGOIM_" + l + "_PORT", "0");
        }
        env.put("JGOIM_TCP_TLS_ENABLED", "true");
        env.put("JGOIM_TCP_TLS_PORT", "0");
        env.put("JGOIM_TRANSPORT_WORKER_THREADS", "2");
        env.put("JGOIM_REGISTRY_ENABLED", "false");
        env.put("JGOIM_SHUTDOWN_DRAIN_TIME", "1s");
        // The limits are off unless a test sets its own (TestLimits says why).
        env.putAll(LIMITS_OFF);
        env.putAll(overrides);
        return CometConfig.load(null, env);
    }

    public static CometConfig ephemeral() {
        return ephemeral(Map.of());
    }
}
