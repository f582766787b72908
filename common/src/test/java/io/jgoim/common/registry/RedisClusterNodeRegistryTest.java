package io.jgoim.common.registry;

import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.redis.RedisClusterHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.time.Duration;

/** The node registry contract on a real three-master Redis Cluster. */
@Tag("redis")
class RedisClusterNodeRegistryTest extends NodeRegistryContract {
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
    NodeRegistry registry() {
        return new RedisNodeRegistry(clients);
    }
}
