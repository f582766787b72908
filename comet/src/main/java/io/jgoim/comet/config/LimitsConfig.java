package io.jgoim.comet.config;

import io.jgoim.common.config.Checks;

import java.time.Duration;

/**
 * The comet's rate limits and bans (docs/operations.md, "Overload and abuse"): accepts per second for the whole node
 * (token bucket of {@code acceptRate} with {@code acceptBurst}), per client address the open connections and the
 * connects per second, per session the upstream messages per second and the least time between heartbeats, and the
 * ban of an address that fails auth (or opens and drops connections without authenticating) more than
 * {@code authFailuresPerIp} times a minute. Every rate or count of 0 turns its limit off, except
 * {@code maxConnections}, the node's open client connections, whose 0 means automatic ({@code ConnectionCap}).
 *
 * @param maxConnections      open client connections on all listeners (0 = automatic: the file-descriptor limit
 *                            less a reserve for the node's own sockets and files; -1 = no limit)
 * @param acceptRate          connections accepted per second by this comet (0 = no limit)
 * @param acceptBurst         connections accepted at once above the rate (the bucket's size)
 * @param maxConnectionsPerIp open connections from one client address (0 = no limit)
 * @param connectRatePerIp    connects per second from one client address (0 = no limit)
 * @param connectBurstPerIp   connects at once from one address above its rate
 * @param authFailuresPerIp   failed handshakes a minute from one address before it is banned (0 = no bans)
 * @param banTime             how long a banned address is refused
 * @param ipTableSize         addresses tracked at once (rounded up to a power of two); idle ones are evicted
 * @param upstreamRate        upstream messages per second per session (0 = no limit)
 * @param upstreamBurst       upstream messages at once above the rate
 * @param minHeartbeatInterval least average time between a session's heartbeats (0 = no limit)
 * @param heartbeatBurst      heartbeats at once closer together than {@code minHeartbeatInterval}
 */
public record LimitsConfig(int maxConnections, int acceptRate, int acceptBurst, int maxConnectionsPerIp, int connectRatePerIp,
                           int connectBurstPerIp, int authFailuresPerIp, Duration banTime, int ipTableSize,
                           int upstreamRate, int upstreamBurst, Duration minHeartbeatInterval, int heartbeatBurst) {
    public LimitsConfig {
        Checks.check(maxConnections >= -1, "limits.maxConnections must be -1 (no limit), 0 (automatic) or more, was "
                + maxConnections);
        Checks.nonNegative(acceptRate, "limits.acceptRate");
        Checks.positive(acceptBurst, "limits.acceptBurst");
        Checks.nonNegative(maxConnectionsPerIp, "limits.maxConnectionsPerIp");
        Checks.nonNegative(connectRatePerIp, "limits.connectRatePerIp");
        Checks.positive(connectBurstPerIp, "limits.connectBurstPerIp");
        Checks.nonNegative(authFailuresPerIp, "limits.authFailuresPerIp");
        Checks.positive(banTime, "limits.banTime");
        Checks.check(ipTableSize >= 1024 && ipTableSize <= (1 << 24),
                "limits.ipTableSize must be within 1024..16777216, was " + ipTableSize);
        Checks.nonNegative(upstreamRate, "limits.upstreamRate");
        Checks.positive(upstreamBurst, "limits.upstreamBurst");
        Checks.notNull(minHeartbeatInterval, "limits.minHeartbeatInterval");
        Checks.check(!minHeartbeatInterval.isNegative(), "limits.minHeartbeatInterval must not be negative");
        Checks.positive(heartbeatBurst, "limits.heartbeatBurst");
    }

    /** True when any per-address limit or the ban is on (the address table is needed). */
    public boolean perIp() {
        return maxConnectionsPerIp > 0 || connectRatePerIp > 0 || authFailuresPerIp > 0;
    }
}
