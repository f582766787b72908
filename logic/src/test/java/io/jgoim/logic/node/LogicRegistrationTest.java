package io.jgoim.logic.node;

import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.logic.RegistryConfig;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogicRegistrationTest {

    /** A registry whose first {@code failures} puts fail as a timed-out Redis write does (one of them thrown). */
    private static final class FailingFirst implements NodeRegistry {
        final InMemoryNodeRegistry real = new InMemoryNodeRegistry();
        final AtomicInteger puts = new AtomicInteger();
        final int failures;

        FailingFirst(int failures) {
            this.failures = failures;
        }

        @Override
        public CompletableFuture<Void> register(NodeInfo node, Duration ttl) {
            int n = puts.incrementAndGet();
            if (n == 2) {
                throw new IllegalStateException("connection closed");
            }
            if (n <= failures) {
                return CompletableFuture.failedFuture(new TimeoutException("Command timed out after 500 ms"));
            }
            return real.register(node, ttl);
        }

        @Override
        public CompletableFuture<Void> deregister(String nodeId) {
            return real.deregister(nodeId);
        }

        @Override
        public CompletableFuture<List<NodeInfo>> nodes() {
            return real.nodes();
        }
    }

    @Test
    void aFailedFirstRegistrationIsRetriedAndTheNodeStaysUp() {
        FailingFirst registry = new FailingFirst(3);
        LogicRegistration r = new LogicRegistration(registry, new RegistryConfig(true, Duration.ofMillis(200),
                Duration.ofSeconds(2)), "logic-1", "127.0.0.1:7119", Clock.systemUTC());
        r.start(); // used to throw (and the logic process exited) on the first put's failure
        assertThat(r.isRegistered()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(r::isRegistered);
        assertThat(registry.real.nodes().join()).extracting(NodeInfo::id).containsExactly("logic-1");
        // then refreshed at the interval as usual
        int after = registry.puts.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.puts.get() >= after + 2);
        r.close();
        assertThat(registry.real.nodes().join()).isEmpty();
    }

    @Test
    void aFirstRegistrationThatLandsRegistersAtOnce() {
        FailingFirst registry = new FailingFirst(0);
        LogicRegistration r = new LogicRegistration(registry, new RegistryConfig(true, Duration.ofSeconds(10),
                Duration.ofSeconds(30)), "logic-2", "127.0.0.1:7119", Clock.systemUTC());
        r.start();
        assertThat(r.isRegistered()).isTrue();
        assertThat(registry.real.nodes().join()).extracting(NodeInfo::id).containsExactly("logic-2");
        r.close();
    }
}
