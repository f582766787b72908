package io.jgoim.comet;

import io.jgoim.comet.config.CometConfig;
import java.util.HashMap;
import java.util.Map;

/** Comet configs for tests: every listener on 127.0.0.1 port 0, two event loops, short drain. */
public final class TestConfigs {
    /** Every rate limit and ban off (the env names of limits.*). */
    public static final Map<String, String> LIMITS_OFF = Map.of(
            "JGOIM_LIMITS_ACCEPT_RATE", "0",
            "JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "0",
            "JGOIM_LIMITS_CONNECT_RATE_PER_IP", "0",
            "JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "0",
            "JGOIM_LIMITS_UPSTREAM_RATE", "0",
            "JGOIM_LIMITS_MIN_HEARTBEAT_INTERVAL", "0s");

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
        // Tests open many sessions from 127.0.0.1 quickly: the limits are off unless a test sets its own.
        env.putAll(LIMITS_OFF);
        env.putAll(overrides);
        return CometConfig.load(null, env);
    }

    public static CometConfig ephemeral() {
        return ephemeral(Map.of());
    }
}
