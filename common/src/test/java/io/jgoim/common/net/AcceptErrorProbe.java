package io.jgoim.common.net;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link AcceptErrorIT}: a line-echo listener with an {@link AcceptErrorHandler} on epoll (NIO
 * where epoll is missing), as the nodes' listeners are, which then takes every file descriptor but {@code args[0]}
 * (opening /dev/null), so the next accepts fail with EMFILE. Prints {@code READY <port>}; a line {@code errors}
 * is answered with the accept errors counted so far, any other with {@code echo <line>}. Ends when stdin closes.
 */
public final class AcceptErrorProbe {
    private AcceptErrorProbe() {
    }

    public static void main(String[] args) throws Exception {
        int spare = Integer.parseInt(args[0]);
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        AcceptErrorHandler errors = new AcceptErrorHandler("probe", new SimpleMeterRegistry());
        Channel server = new ServerBootstrap().group(group).channel(type).handler(errors)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(256), new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
                                String text = line.toString(StandardCharsets.US_ASCII);
                                String reply = "errors".equals(text) ? String.valueOf((long) errors.errors())
                                        : "echo " + text;
                                ctx.writeAndFlush(Unpooled.copiedBuffer(reply + "\n", StandardCharsets.US_ASCII));
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
        // one connection through the whole path and one log line first: nothing is loaded (no jar opened) later
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("warm\n".getBytes(StandardCharsets.US_ASCII));
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
        LoggerFactory.getLogger(AcceptErrorProbe.class).info("probe listening on {} ({})", port,
                epoll ? "epoll" : "nio");
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<FileInputStream> held = new ArrayList<>();
        // counting the open descriptors takes one itself (it lists /proc/self/fd), so stop before the last
        while (os.getMaxFileDescriptorCount() - os.getOpenFileDescriptorCount() > spare) {
            held.add(new FileInputStream("/dev/null"));
        }
        PrintStream stdout = System.out;
        stdout.println("READY " + port + " " + held.size());
        stdout.flush();
        while (System.in.read() >= 0) {
            // until the test closes our stdin
        }
        group.shutdownGracefully();
    }
}
