package io.jgoim.logic;

import io.jgoim.common.config.Checks;
import io.jgoim.common.redis.RedisConnectionConfig;

import java.time.Duration;
import java.util.List;

/** The session store: the connection's settings ({@link RedisConnectionConfig}) and the session routes'. */
public record RedisConfig(List<String> uris, boolean cluster, Duration commandTimeout, int requestQueueSize,
                          Duration deadPeerTimeout, Duration sessionTtl, int sessionWriteWindow,
                          int sessionWriteQueue) {
    public RedisConfig {
        Checks.check(uris != null && !uris.isEmpty(), "redis.uris is required");
        uris = List.copyOf(uris);
        Checks.positive(commandTimeout, "redis.commandTimeout");
        Checks.positive(requestQueueSize, "redis.requestQueueSize");
        Checks.positive(sessionTtl, "redis.sessionTtl");
        Checks.positive(sessionWriteWindow, "redis.sessionWriteWindow");
        Checks.check(sessionWriteWindow < requestQueueSize,
                "redis.sessionWriteWindow must be below redis.requestQueueSize");
        Checks.positive(sessionWriteQueue, "redis.sessionWriteQueue");
        // the connection's checks, on the parameters (the fields are not assigned yet)
        new RedisConnectionConfig(uris, cluster, commandTimeout, requestQueueSize, deadPeerTimeout);
    }

    /** The connection's part, validated as comet's and job's are. */
    public RedisConnectionConfig connection() {
        return new RedisConnectionConfig(uris, cluster, commandTimeout, requestQueueSize, deadPeerTimeout);
    }
}
