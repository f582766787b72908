package io.jgoim.job;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.protocol.rpc.CometGrpcService;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Comet twins served over real gRPC (Netty, 127.0.0.1 port 0) and registered in a node registry, as running comets
 * are: the cluster side of job's directory tests. {@link #close()} stops every server.
 */
final class ServedComets implements AutoCloseable {
    private final NodeRegistry registry;
    private final Duration ttl;
    private final List<Server> servers = new ArrayList<>();

    ServedComets(NodeRegistry registry, Duration ttl) {
        this.registry = registry;
        this.ttl = ttl;
    }

    /** Serves {@code comet} and registers it; the registry entry is returned so a test can register it again. */
    Served serve(RecordingCometService comet) throws IOException {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new CometGrpcService(comet)).build().start();
        servers.add(s);
        NodeInfo info = new NodeInfo(comet.id(), "", 1, List.of(), List.of(), List.of(), "127.0.0.1:" + s.getPort(),
                0, false, System.currentTimeMillis());
        registry.register(info, ttl).join();
        return new Served(s, info);
    }

    /** A served comet: its gRPC server (stop it to kill the comet) and its registry entry. */
    record Served(Server server, NodeInfo info) {
    }

    @Override
    public void close() throws InterruptedException {
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
