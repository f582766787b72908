package io.jgoim.logic.node;

import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.NodesConfig;
import io.jgoim.protocol.rpc.logic.NodesReply;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NodeBalancerTest {
    private static final long NOW = 1_000_000_000L;
    private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    private final InMemoryNodeRegistry registry = new InMemoryNodeRegistry(clock);

    private NodeBalancer balancer(String... regions) {
        NodesConfig d = LogicConfig.load(null, Map.of()).nodes();
        NodesConfig c = new NodesConfig(d.domain(), d.tcpPort(), d.wsPort(), d.wssPort(), d.heartbeat(),
                d.heartbeatMax(), Duration.ofSeconds(30), 3, 2.0, List.of(regions), d.backoff());
        return new NodeBalancer(c, registry, clock);
    }

    private void register(String id, String region, int weight, int sessions, boolean offline, long ageMs) {
        NodeInfo n = new NodeInfo(id, region, weight, List.of(id + ":3101"), List.of(id + ":3102"), List.of(),
                id + ":3109", sessions, offline, NOW - ageMs);
        registry.register(n, Duration.ofMinutes(1)).join();
    }

    @Test
    void shouldRankByDeficitAgainstWeightedShare() {
        register("a", "sh", 10, 90, false, 0);
        register("b", "sh", 10, 10, false, 0);
        register("c", "sh", 20, 100, false, 0);
        // shares: a 25%, b 25%, c 50%; load: a 45%, b 5%, c 50% -> b, c, a
        NodesReply r = balancer().nodes("android", "1.2.3.4").join();
        assertThat(r.getNodesList()).containsExactly("b:3101", "c:3101", "a:3101");
    }

    @Test
    void shouldNeverOfferOfflineStaleOrZeroWeightComets() {
        register("live", "sh", 10, 500, false, 1_000);
        register("draining", "sh", 10, 0, true, 0);
        register("stale", "sh", 10, 0, false, 31_000);
        register("zero", "sh", 0, 0, false, 0);
        assertThat(balancer().nodes("ios", "").join().getNodesList()).containsExactly("live:3101");
    }

    @Test
    void shouldPreferClientRegionAndWebSocketForWeb() {
        register("sh1", "sh", 10, 10, false, 0);
        register("bj1", "bj", 10, 10, false, 0);
        assertThat(balancer("10.1.=bj").nodes("web", "10.1.2.3").join().getNodesList())
                .containsExactly("bj1:3102", "sh1:3102");
        assertThat(balancer("10.1.=bj").nodes("web", "10.9.2.3").join().getNodesList())
                .containsExactly("bj1:3102", "sh1:3102"); // no region: tie broken by id
        assertThat(balancer("10.1.=sh").nodes("web", "10.1.2.3").join().getNodesList())
                .containsExactly("sh1:3102", "bj1:3102");
    }

    @Test
    void shouldCapListAndReturnAdvice() {
        for (int i = 0; i < 5; i++) {
            register("n" + i, "sh", 10, i, false, 0);
        }
        NodesReply r = balancer().nodes("pc", "").join();
        assertThat(r.getNodesList()).containsExactly("n0:3101", "n1:3101", "n2:3101");
        assertThat(r.getHeartbeat()).isEqualTo(240);
        assertThat(r.getHeartbeatMax()).isEqualTo(2);
        assertThat(r.getTcpPort()).isEqualTo(3101);
        assertThat(r.getBackoff().getMaxDelay()).isEqualTo(120);
        assertThat(r.getBackoff().getBaseDelay()).isEqualTo(1.0);
        assertThat(r.getBackoff().getFactor()).isEqualTo(1.6);
        assertThat(r.getBackoff().getJitter()).isEqualTo(0.2);
    }
}
