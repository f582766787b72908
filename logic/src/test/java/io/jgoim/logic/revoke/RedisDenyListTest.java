package io.jgoim.logic.revoke;

import io.jgoim.common.redis.RedisClients;
import io.jgoim.logic.revoke.Revocation.Kind;
import io.jgoim.testkit.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cluster deny list on a real redis-server, held to the contract, plus its expiry in Redis. */
@Tag("redis")
class RedisDenyListTest extends DenyListContract {
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
            server.close();
        }
    }

    @BeforeEach
    void flush() {
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> "OK".equals(clients.async().flushall().get()));
    }

    @Override
    DenyList denyList() {
        return new RedisDenyList(clients, clock);
    }

    @Test
    void shouldExpireTheHashAtItsLatestEntry() throws Exception {
        DenyList d = denyList();
        d.revoke(new Revocation(Kind.JTI, "a", clock.millis() + 60_000)).join();
        d.revoke(new Revocation(Kind.JTI, "b", clock.millis() + 600_000)).join();
        long ttl = clients.async().pttl(RedisDenyList.KEY).get();
        assertThat(ttl).isGreaterThan(60_000).isLessThanOrEqualTo(600_000);
        assertThat(clients.async().hlen(RedisDenyList.KEY).get()).isEqualTo(3L);
    }
}
