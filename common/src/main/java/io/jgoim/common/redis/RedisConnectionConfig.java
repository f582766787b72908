package io.jgoim.common.redis;

import io.jgoim.common.config.Checks;

import java.time.Duration;
import java.util.List;

/**
 * Where a node reaches Redis and how patiently: the {@code redis:} section of comet's and job's config (logic's adds
 * the session TTL). Bound by {@link io.jgoim.common.config.ConfigLoader}; validated here, naming the key.
 *
 * @param uris             one {@code redis://host:port}, or the seed nodes of a Redis Cluster
 * @param cluster          true for Redis Cluster
 * @param commandTimeout   how long one command may take (then the caller sees UNAVAILABLE/TIMEOUT)
 * @param requestQueueSize commands queued on the connection at most; beyond it calls fail at once
 * @param deadPeerTimeout  a connection silent this long with bytes unacknowledged (or idle and not answering
 *                         keepalive probes) is closed and made again; 0 = the kernel's defaults
 */
public record RedisConnectionConfig(List<String> uris, boolean cluster, Duration commandTimeout, int requestQueueSize,
                                    Duration deadPeerTimeout) {
    public RedisConnectionConfig {
        Checks.check(uris != null && !uris.isEmpty(), "redis.uris is required");
        uris = List.copyOf(uris);
        Checks.positive(commandTimeout, "redis.commandTimeout");
        Checks.positive(requestQueueSize, "redis.requestQueueSize");
        Checks.check(deadPeerTimeout != null && !deadPeerTimeout.isNegative()
                && (deadPeerTimeout.isZero() || deadPeerTimeout.compareTo(Duration.ofSeconds(1)) >= 0),
                "redis.deadPeerTimeout must be 0s (off) or at least 1s");
    }

    /** Connects with these settings. */
    public RedisClients connect() {
        return RedisClients.connect(uris, cluster, commandTimeout, requestQueueSize, deadPeerTimeout);
    }
}
