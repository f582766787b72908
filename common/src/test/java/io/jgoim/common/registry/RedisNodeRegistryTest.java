package io.jgoim.common.registry;

import io.jgoim.common.redis.RedisClients;
import io.jgoim.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.time.Duration;
import java.util.List;

@Tag("redis")
class RedisNodeRegistryTest extends NodeRegistryContract {
    private static RedisServer server;
    private static RedisClients clients;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        clients = RedisClients.connect(List.of(server.uri()), false, Duration.ofMillis(500), 10_000);
    }

    @AfterAll
    static void stopRedis() {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close(); // even when connecting failed: never leave a redis-server behind
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
