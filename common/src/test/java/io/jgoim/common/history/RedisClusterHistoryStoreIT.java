package io.jgoim.common.history;

import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.redis.RedisClusterHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.time.Duration;

/** The history contract on a real three-master Redis Cluster: every script runs on the slot of its stream's tag. */
@Tag("redis")
class RedisClusterHistoryStoreIT extends HistoryStoreContract {
    private static RedisClusterHarness cluster;
    private static RedisClients clients;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterHarness.start();
        // a generous command timeout: the first command to each node also opens its connection, slow on a loaded machine
        clients = RedisClients.connect(cluster.uris(), true, Duration.ofSeconds(2), 10_000);
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
    HistoryStore newStore() {
        return new RedisHistoryStore(clients, null);
    }
}
