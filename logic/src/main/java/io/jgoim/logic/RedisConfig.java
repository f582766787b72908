package io.jgoim.logic;

import io.jgoim.common.config.Checks;

import java.time.Duration;
import java.util.List;

/** The session store. */
public record RedisConfig(List<String> uris, boolean cluster, Duration commandTimeout, int requestQueueSize,
                          Duration sessionTtl, int sessionWriteWindow, int sessionWriteQueue) {
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
    }
}
