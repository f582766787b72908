package io.jgoim.common.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** The registry in one JVM (standalone, tests): entries with an expiry read from a clock. Thread-safe. */
public final class InMemoryNodeRegistry implements NodeRegistry {
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryNodeRegistry() {
        this(Clock.systemUTC());
    }

    public InMemoryNodeRegistry(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> register(NodeInfo node, Duration ttl) {
        entries.put(node.id(), new Entry(node, clock.millis() + ttl.toMillis()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deregister(String nodeId) {
        entries.remove(nodeId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<NodeInfo>> nodes() {
        long now = clock.millis();
        List<NodeInfo> out = new ArrayList<>();
        entries.values().removeIf(e -> e.expiresAt <= now);
        for (Entry e : entries.values()) {
            out.add(e.node);
        }
        return CompletableFuture.completedFuture(out);
    }

    private record Entry(NodeInfo node, long expiresAt) {
    }
}
