package io.jgoim.comet.node;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.transport.Transports;
import io.jgoim.common.tls.NodeSslContexts;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The comet's gRPC listener ({@code rpc}): job's push calls and the operator's CometAdmin, served on the comet's own
 * event loops. Builds and starts the server, and stops it within a bound. Used from the thread that starts or closes
 * the comet; the caller owns the returned server.
 */
public final class RpcListener {
    private RpcListener() {
    }

    /** Binds and starts the gRPC server serving {@code push} and {@code admin}; throws naming the address. */
    public static Server start(CometConfig config, Transports transports, EventLoopGroup boss, EventLoopGroup workers,
                               ServerServiceDefinition push, BindableService admin) {
        try {
            return NettyServerBuilder.forAddress(new InetSocketAddress(config.rpc().bind(), config.rpc().port()))
                    .sslContext(NodeSslContexts.grpcServer(config.rpc().tls(), "rpc.tls"))
                    .channelType(transports.serverChannel())
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers)
                    // The push service never blocks, so the gRPC transport thread may call it directly.
                    .directExecutor()
                    .maxInboundMessageSize(config.rpc().maxInboundMessageBytes())
                    .addService(push)
                    .addService(admin)
                    .build()
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("rpc: cannot bind " + config.rpc().bind() + ":" + config.rpc().port(), e);
        }
    }

    /** The address {@code server} listens on. */
    public static InetSocketAddress address(Server server) {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    /** Stops {@code server}: the calls in flight get up to {@code millis}, then it is stopped at once. */
    public static void stop(Server server, long millis) {
        server.shutdown();
        try {
            if (!server.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }
}
