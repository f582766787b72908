package io.jgoim.testkit;

import java.util.Map;

/**
 * The comet's {@code limits.*} switched off for tests, spelled once: as env overrides (for
 * {@code CometConfig.load(path, env)}) and as the YAML line of a comet file. Tests open hundreds of sessions from
 * 127.0.0.1 within seconds, flap connections and beat every few hundred milliseconds; with the production limits on
 * (per-address connections, connect and accept rates, auth-failure bans, upstream rate, heartbeat floor) they
 * would be refused for what they do by design (docs/config.md, limits). Tests of the limits themselves start from
 * these and set the one limit they test. Immutable.
 */
public final class TestLimits {
    /** Every rate limit and ban off, as {@code JGOIM_LIMITS_*} env overrides. */
    public static final Map<String, String> OFF_ENV = Map.of(
            "JGOIM_LIMITS_ACCEPT_RATE", "0",
            "JGOIM_LIMITS_MAX_CONNECTIONS_PER_IP", "0",
            "JGOIM_LIMITS_CONNECT_RATE_PER_IP", "0",
            "JGOIM_LIMITS_AUTH_FAILURES_PER_IP", "0",
            "JGOIM_LIMITS_UPSTREAM_RATE", "0",
            "JGOIM_LIMITS_MIN_HEARTBEAT_INTERVAL", "0s");

    /** The same as {@link #OFF_ENV}: a comet file's {@code limits:} line (indent it under {@code comet:}). */
    public static final String OFF_YAML = "limits: {acceptRate: 0, maxConnectionsPerIp: 0, connectRatePerIp: 0, "
            + "authFailuresPerIp: 0, upstreamRate: 0, minHeartbeatInterval: 0s}";

    /**
     * Only the heartbeat floor off, every other limit at its default: for clients that beat faster than
     * {@code limits.minHeartbeatInterval} allows a real one, in tests that keep the shipped limits on.
     */
    public static final String FAST_HEARTBEATS_YAML = "limits: {minHeartbeatInterval: 0s}";

    private TestLimits() {
    }
}
