package io.jgoim.logic.admin;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.common.grpc.KeepAlive;
import io.jgoim.common.grpc.PromptReconnect;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.common.tls.GrpcChannelTls;
import io.jgoim.logic.AdminCometsConfig;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.CometAdminService;
import io.jgoim.protocol.rpc.GrpcCometAdminClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The comets of the node registry, each reached over gRPC at its registered {@code rpcAddr} with
 * {@code http.adminComets} (deadline, TLS). The registry is read per action (admin actions are rare; a comet that
 * joined a second ago is reachable at once); channels are made on first use and kept per address, so their number
 * is bounded by the comets ever seen, and closed with this. Thread-safe.
 */
public final class RegistryCometControls implements CometControls {
    private final NodeRegistry registry;
    private final AdminCometsConfig config;
    private final GrpcChannelTls tls;
    private final Map<String, Endpoint> byAddress = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private record Endpoint(ManagedChannel channel, CometAdminService service) {
    }

    public RegistryCometControls(NodeRegistry registry, AdminCometsConfig config) {
        this.registry = registry;
        this.config = config;
        this.tls = GrpcChannelTls.of(config.tls(), "http.adminComets.tls");
    }

    @Override
    public CompletableFuture<CometAdminService> comet(String nodeId) {
        return nodes().thenApply(nodes -> {
            for (NodeInfo n : nodes) {
                if (n.id().equals(nodeId)) {
                    return service(n);
                }
            }
            throw unknown(nodeId);
        });
    }

    @Override
    public CompletableFuture<Map<String, CometAdminService>> all() {
        return nodes().thenApply(nodes -> {
            Map<String, CometAdminService> out = new LinkedHashMap<>();
            for (NodeInfo n : nodes) {
                if (!n.rpcAddr().isEmpty()) {
                    out.put(n.id(), service(n));
                }
            }
            return out;
        });
    }

    private CompletableFuture<List<NodeInfo>> nodes() {
        return registry.nodes().copy().orTimeout(config.callDeadline().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    throw new JgoimException(ErrorCode.UNAVAILABLE, "node registry unreadable: " + e);
                });
    }

    private CometAdminService service(NodeInfo n) {
        if (n.rpcAddr().isEmpty()) {
            throw new JgoimException(ErrorCode.UNAVAILABLE, "comet " + n.id() + " registers no rpc address");
        }
        if (closed) {
            throw new JgoimException(ErrorCode.UNAVAILABLE, "logic is closing");
        }
        Endpoint e = byAddress.computeIfAbsent(n.rpcAddr(), addr -> {
            // Kept for good and idle between operator calls: keepalive finds a connection the network forgot.
            ManagedChannel ch = KeepAlive.apply(PromptReconnect.apply(tls.apply(NettyChannelBuilder.forTarget(addr))),
                    KeepAlive.TIME, KeepAlive.TIMEOUT).directExecutor().build();
            return new Endpoint(ch, new GrpcCometAdminClient(ch, config.callDeadline()));
        });
        // Idle between operator calls: a channel that failed waits out gRPC's back-off (up to 2 min) unless told.
        PromptReconnect.nudge(e.channel());
        return e.service();
    }

    static JgoimException unknown(String nodeId) {
        return new JgoimException(ErrorCode.NOT_FOUND, "no comet '" + nodeId + "' in the node registry");
    }

    @Override
    public void close() {
        closed = true;
        for (Endpoint e : byAddress.values()) {
            e.channel().shutdownNow();
        }
        byAddress.clear();
    }
}
