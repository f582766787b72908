package io.jgoim.comet.node;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.net.AcceptingChannels;
import io.micrometer.core.instrument.MeterRegistry;
import io.jgoim.common.grpc.KeepAlive;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.transport.Transports;
import io.jgoim.common.tls.NodeSslContexts;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The comet's gRPC listener ({@code rpc}): job's push calls and the operator's CometAdmin. With {@code rpc.ioThreads}
 * &gt; 0 it accepts and reads on event loops of its own ({@code comet-rpc-*}), so a call is read and handed on while
 * every session loop writes a whole fan-out pass; with 0 it shares the comet's boss and session loops, where a call
 * waits behind the pass of the loop its connection landed on. Either way the services run on the thread that read
 * the call and hand every write to the sessions' loops through their executors. Built and stopped from the thread
 * that starts or closes the comet; it owns the server and its own loops.
 */
public final class RpcListener {
    /** Thread name prefix of the listener's own loops (the benchmarks' per-thread CPU split groups by it). */
    public static final String THREAD_NAME = "comet-rpc";

    private final Server server;
    private final EventLoopGroup ownLoops;

    private RpcListener(Server server, EventLoopGroup ownLoops) {
        this.server = server;
        this.ownLoops = ownLoops;
    }

    /**
     * Binds and starts the gRPC server serving {@code push} and {@code admin}, on loops of its own unless
     * {@code rpc.ioThreads} is 0 ({@code boss} and {@code workers} then); throws naming the address.
     */
    public static RpcListener start(CometConfig config, Transports transports, EventLoopGroup boss,
                                    EventLoopGroup workers, ServerServiceDefinition push, BindableService admin,
                                    MeterRegistry registry) {
        CometConfig.RpcConfig rpc = config.rpc();
        EventLoopGroup own = rpc.ioThreads() > 0 ? transports.newGroup(rpc.ioThreads(), THREAD_NAME) : null;
        try {
            Server server = KeepAlive.permit(NettyServerBuilder.forAddress(new InetSocketAddress(rpc.bind(), rpc.port())))
                    .sslContext(NodeSslContexts.grpcServer(rpc.tls(), "rpc.tls"))
                    // a failed accept (out of descriptors) pauses the listener 1 s and logs a line, no stack
                    .channelFactory(AcceptingChannels.withAcceptErrors(transports.serverChannel(), "rpc", registry))
                    // Own loops accept too: job's reconnect is not queued behind a client connect storm on the boss.
                    .bossEventLoopGroup(own != null ? own : boss)
                    .workerEventLoopGroup(own != null ? own : workers)
                    // The push service never blocks and hands writes to the session loops' executors, so the
                    // transport thread that read the call may run it directly.
                    .directExecutor()
                    .maxInboundMessageSize(rpc.maxInboundMessageBytes())
                    .maxConnectionIdle(rpc.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS)
                    .addService(push)
                    .addService(admin)
                    .build()
                    .start();
            return new RpcListener(server, own);
        } catch (IOException | RuntimeException e) {
            if (own != null) {
                own.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            }
            if (e instanceof IOException) {
                throw new IllegalStateException("rpc: cannot bind " + rpc.bind() + ":" + rpc.port(), e);
            }
            throw (RuntimeException) e;
        }
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    /** The listener's own event loops, or null when it shares the session loops. */
    public EventLoopGroup ownLoops() {
        return ownLoops;
    }

    /**
     * Stops at once, as a crash would: the server and its connections now, then its own loops with no quiet period,
     * waited for. No call in flight gets an answer. For an in-process "kill" of a comet (the cluster tests); a
     * comet's own close uses {@link #stop}.
     */
    public void halt() {
        server.shutdownNow();
        if (ownLoops != null) {
            ownLoops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }

    /**
     * Stops the server (the calls in flight get up to {@code millis}, then it is stopped at once), then its own
     * loops, whose shutdown is bounded by what is left of {@code millis} (at least {@code floorMillis}).
     */
    public void stop(long millis, long floorMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        server.shutdown();
        try {
            if (!server.awaitTermination(millis, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        if (ownLoops != null) {
            long left = Math.max(floorMillis, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            ownLoops.shutdownGracefully(0, left, TimeUnit.MILLISECONDS).awaitUninterruptibly(left + floorMillis);
        }
    }
}
