package io.jgoim.job;

import io.jgoim.common.grpc.KeepAlive;
import io.jgoim.testkit.TcpProxy;
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
    private final List<TcpProxy> proxies = new ArrayList<>();

    ServedComets(NodeRegistry registry, Duration ttl) {
        this.registry = registry;
        this.ttl = ttl;
    }

    /** Serves {@code comet} and registers it; the registry entry is returned so a test can register it again. */
    Served serve(RecordingCometService comet) throws IOException {
        Server s = start(comet);
        return register(comet, s, "127.0.0.1:" + s.getPort());
    }

    /**
     * Serves {@code comet} behind a {@link TcpProxy} and registers the proxy's address: job reaches the comet only
     * through it (closed with the rest).
     */
    TcpProxy serveBehindProxy(RecordingCometService comet) throws IOException {
        Server s = start(comet);
        TcpProxy proxy = new TcpProxy(new InetSocketAddress("127.0.0.1", s.getPort()), 0);
        proxies.add(proxy);
        register(comet, s, proxy.address());
        return proxy;
    }

    /** As a comet's rpc listener does, it permits job's keepalive pings. */
    private Server start(RecordingCometService comet) throws IOException {
        Server s = KeepAlive.permit(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .addService(new CometGrpcService(comet)).build().start();
        servers.add(s);
        return s;
    }

    private Served register(RecordingCometService comet, Server s, String rpcAddr) {
        NodeInfo info = new NodeInfo(comet.id(), "", 1, List.of(), List.of(), List.of(), rpcAddr, 0, false,
                System.currentTimeMillis());
        registry.register(info, ttl).join();
        return new Served(s, info);
    }

    /** A served comet: its gRPC server (stop it to kill the comet) and its registry entry. */
    record Served(Server server, NodeInfo info) {
    }

    @Override
    public void close() throws InterruptedException {
        proxies.forEach(TcpProxy::close);
        for (Server s : servers) {
            s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
