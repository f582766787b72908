package io.jgoim.job.it;

import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtoFrameDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A goim client session over a real TCP socket: it authenticates with a goim JSON token (op 7, waits for op 8) and
 * records every frame the comet pushes (op and body), decoded with the protocol's frame decoder. An optional
 * {@link Sink} sees each pushed frame instead (latency measurement). Runs on the event loop group it is given.
 */
public final class GoimTcpClient implements AutoCloseable {
    /** Sees each pushed frame on the client's event loop; must be quick. */
    public interface Sink {
        void onFrame(int op, ByteBuf body, long nowNanos);
    }

    /** One received push. */
    public record Frame(int op, String body) {
    }

    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> authed = new CompletableFuture<>();
    private final Sink sink;
    private Channel channel;

    private GoimTcpClient(Sink sink) {
        this.sink = sink;
    }

    /** Connects and authenticates; returns once the comet answered the auth frame. */
    public static GoimTcpClient connect(EventLoopGroup group, InetSocketAddress comet, long mid, String key,
                                        String room, Sink sink) {
        GoimTcpClient c = new GoimTcpClient(sink);
        c.channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ProtoFrameDecoder.forServerFrames(), c.new Handler());
                    }
                }).connect(comet).syncUninterruptibly().channel();
        String token = "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"" + room
                + "\",\"platform\":\"web\",\"accepts\":[1000,1001,1002]}";
        c.channel.writeAndFlush(ProtoCodec.encode(c.channel.alloc(), PacketLayout.VERSION, Op.AUTH, 1,
                token.getBytes(StandardCharsets.UTF_8)));
        c.authed.orTimeout(10, TimeUnit.SECONDS).join();
        return c;
    }

    public static GoimTcpClient connect(EventLoopGroup group, InetSocketAddress comet, long mid, String key,
                                        String room) {
        return connect(group, comet, mid, key, room, null);
    }

    /** Pushed frames so far, in arrival order. */
    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** Bodies of pushed frames with this op, in arrival order. */
    public List<String> bodies(int op) {
        return frames.stream().filter(f -> f.op == op).map(Frame::body).toList();
    }

    public int count() {
        return frames.size();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<Proto> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Proto p) {
            if (p.op() == Op.AUTH_REPLY) {
                authed.complete(null);
            } else if (p.op() >= Op.BUSINESS_MIN) {
                if (sink != null) {
                    sink.onFrame(p.op(), p.body(), System.nanoTime());
                } else {
                    frames.add(new Frame(p.op(), p.body().toString(StandardCharsets.UTF_8)));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            authed.completeExceptionally(new IllegalStateException("closed before auth"));
        }
    }
}
