package io.jgoim.common.health;

import io.jgoim.common.redis.RedisClients;

import java.util.concurrent.CompletableFuture;

/**
 * Probes Redis with a {@code PING} on the node's shared connection (pipelined with the node's own commands, so it
 * sees what they see: a closed connection, a Redis that does not answer within the command timeout).
 */
public final class RedisPing implements Probe {
    private final RedisClients redis;

    public RedisPing(RedisClients redis) {
        this.redis = redis;
    }

    @Override
    public CompletableFuture<?> check() {
        if (!redis.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("connection to Redis is down"));
        }
        return redis.async().ping().toCompletableFuture();
    }
}
