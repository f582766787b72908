package io.jgoim.common.grpc;

import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.net.AcceptingChannels;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * Event loops of a gRPC server's own, for a node that has none to lend it (logic): grpc-netty takes a listening
 * channel factory — which is how its listener gets an {@link io.jgoim.common.net.AcceptErrorHandler} — only together
 * with the boss and worker groups. One group accepts and reads (epoll where available, else NIO), sized as
 * grpc-netty's shared default (Netty's: twice the processors), daemon threads named {@code <name>-*}. Built and
 * closed by the thread that starts and closes the node.
 */
public final class GrpcServerLoops implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> channel;
    private final String listener;
    private final MeterRegistry registry;

    private GrpcServerLoops(EventLoopGroup group, Class<? extends ServerChannel> channel, String listener,
                            MeterRegistry registry) {
        this.group = group;
        this.channel = channel;
        this.listener = listener;
        this.registry = registry;
    }

    /** Starts the loops; {@code listener} names their threads and the accept errors' metric label. */
    public static GrpcServerLoops start(String listener, MeterRegistry registry) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new GrpcServerLoops(new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory(listener, true), io),
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class, listener, registry);
    }

    /** {@code builder} on these loops, its listening channel answering failed accepts. */
    public NettyServerBuilder applyTo(NettyServerBuilder builder) {
        return builder.bossEventLoopGroup(group).workerEventLoopGroup(group)
                .channelFactory(AcceptingChannels.withAcceptErrors(channel, listener, registry));
    }

    /** Stops the loops (after the server's shutdown), waiting up to 3 s. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
