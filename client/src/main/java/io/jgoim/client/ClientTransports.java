package io.jgoim.client;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Event loop groups for clients: epoll where the native transport loads, NIO otherwise. One group of a few threads
 * can carry thousands of {@link JgoimClient}s; each client pins itself to one loop of the group. Stateless.
 */
public final class ClientTransports {
    private ClientTransports() {
    }

    /** A new group of {@code threads} daemon threads named {@code jgoim-client-*}; the caller shuts it down. */
    public static EventLoopGroup newEventLoopGroup(int threads) {
        DefaultThreadFactory tf = new DefaultThreadFactory("jgoim-client", true);
        if (Epoll.isAvailable()) {
            return new MultiThreadIoEventLoopGroup(threads, tf, EpollIoHandler.newFactory());
        }
        return new MultiThreadIoEventLoopGroup(threads, tf, NioIoHandler.newFactory());
    }

    /** True when {@code group} runs the epoll transport. */
    public static boolean isEpoll(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup && Epoll.isAvailable()
                && ((IoEventLoopGroup) group).isIoType(EpollIoHandler.class);
    }

    /** The socket channel class that matches {@code group}'s transport. */
    public static Class<? extends Channel> socketChannelClass(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
