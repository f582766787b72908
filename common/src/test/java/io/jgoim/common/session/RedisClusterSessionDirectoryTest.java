package io.jgoim.common.session;

import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.redis.RedisClusterHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.time.Duration;

/** The session directory contract on a real three-master Redis Cluster (hash tags, single-slot Lua scripts). */
@Tag("redis")
class RedisClusterSessionDirectoryTest extends SessionDirectoryContract {
    private static RedisClusterHarness cluster;
    private static RedisClients clients;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterHarness.start();
        clients = RedisClients.connect(cluster.uris(), true, Duration.ofMillis(500), 10_000);
    }

    @AfterAll
    static void stopCluster() {
        if (clients != null) {
            clients.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void flush() throws Exception {
        clients.async().flushall().get();
    }

    @Override
    SessionDirectory directory(Duration ttl) {
        return new RedisSessionDirectory(clients, ttl, null);
    }
}
