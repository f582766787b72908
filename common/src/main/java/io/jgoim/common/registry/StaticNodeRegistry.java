package io.jgoim.common.registry;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A fixed list of nodes from config, for deployments without Redis for discovery. Registrations are ignored. */
public final class StaticNodeRegistry implements NodeRegistry {
    private final List<NodeInfo> nodes;

    public StaticNodeRegistry(List<NodeInfo> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    @Override
    public CompletableFuture<Void> register(NodeInfo node, Duration ttl) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deregister(String nodeId) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<NodeInfo>> nodes() {
        return CompletableFuture.completedFuture(nodes);
    }
}
