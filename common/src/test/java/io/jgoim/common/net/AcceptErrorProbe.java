package io.jgoim.common.net;

import com.sun.management.UnixOperatingSystemMXBean;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.common.grpc.GrpcServerLoops;
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
 * With a second argument {@code grpc} it also serves gRPC on {@link GrpcServerLoops} (port printed after READY's
 * count) and {@code errors} counts that listener's failed accepts instead.
 */
public final class AcceptErrorProbe {
    private AcceptErrorProbe() {
    }

    public static void main(String[] args) throws Exception {
        int spare = Integer.parseInt(args[0]);
        // "grpc": a gRPC server on GrpcServerLoops beside the line listener, whose "errors" then counts its accepts
        boolean grpcMode = args.length > 1 && "grpc".equals(args[1]);
        SimpleMeterRegistry grpcMeters = new SimpleMeterRegistry();
        GrpcServerLoops grpcLoops = grpcMode ? GrpcServerLoops.start("probe-grpc", grpcMeters) : null;
        Server grpc = grpcMode ? grpcLoops.applyTo(NettyServerBuilder.forAddress(
                new java.net.InetSocketAddress("127.0.0.1", 0))).build().start() : null;
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
                                String reply = !"errors".equals(text) ? "echo " + text : grpcMode
                                        ? String.valueOf((long) grpcMeters.get("jgoim_accept_errors")
                                            .tag("listener", "probe-grpc").counter().count())
                                        : String.valueOf((long) errors.errors());
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
        int grpcPort = 0;
        if (grpc != null) {
            grpcPort = ((java.net.InetSocketAddress) grpc.getListenSockets().get(0)).getPort();
            // one HTTP/2 connection through the gRPC server's path first, for the same reason
            try (Socket s = new Socket("127.0.0.1", grpcPort)) {
                s.getOutputStream().write(HTTP2_PREFACE);
                s.getInputStream().readNBytes(9);
            }
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
        stdout.println("READY " + port + " " + held.size() + " " + grpcPort);
        stdout.flush();
        while (System.in.read() >= 0) {
            // until the test closes our stdin
        }
        group.shutdownGracefully();
        if (grpc != null) {
            grpc.shutdownNow();
            grpcLoops.close();
        }
    }

    /** A client's HTTP/2 connection preface and an empty SETTINGS frame: a gRPC server answers with its SETTINGS. */
    static final byte[] HTTP2_PREFACE = concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
