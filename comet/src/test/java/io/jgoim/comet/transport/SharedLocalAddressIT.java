package io.jgoim.comet.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real sockets over loopback: accepted channels and the local address they report. */
class SharedLocalAddressIT {
    private static final int CLIENTS = 3;

    @Test
    void shouldGiveEveryEpollConnectionOfAListenerTheSameLocalAddressObject() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll not available here");
        SharedLocalAddress shared = new SharedLocalAddress();
        accept(new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory()), EpollServerSocketChannel.class,
                shared, accepted -> {
                    InetSocketAddress first = (InetSocketAddress) accepted.get(0).localAddress();
                    for (Channel ch : accepted) {
                        assertSame(first, ch.localAddress());
                        assertEquals(ch.parent().localAddress(), ch.localAddress());
                    }
                });
        assertEquals(1, shared.size());
    }

    @Test
    void shouldLeaveAnotherTransportsAddressesAsTheyAre() throws Exception {
        SharedLocalAddress shared = new SharedLocalAddress();
        accept(new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory()), NioServerSocketChannel.class,
                shared, accepted -> {
                    for (Channel ch : accepted) {
                        assertEquals(ch.parent().localAddress(), ch.localAddress());
                    }
                });
        assertEquals(0, shared.size());
    }

    /** Accepts CLIENTS loopback connections, sharing local addresses as the initializers do, and checks them open. */
    private static void accept(EventLoopGroup group, Class<? extends io.netty.channel.ServerChannel> type,
                               SharedLocalAddress shared, Consumer<List<Channel>> check) throws Exception {
        List<Channel> accepted = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(CLIENTS);
        List<Socket> clients = new ArrayList<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(type)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            shared.share(ch);
                            accepted.add(ch);
                            all.countDown();
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new Socket("127.0.0.1", port));
            }
            assertTrue(all.await(10, TimeUnit.SECONDS), "all connections accepted");
            check.accept(new ArrayList<>(accepted));
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
