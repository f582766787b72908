package io.jgoim.client;

import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoEncoder;
import io.jgoim.protocol.ProtoFrameDecoder;
import io.jgoim.protocol.ws.WsProtoCodec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * The server side of the ITs that script a comet on real sockets: a listener on 127.0.0.1 (port 0) that speaks goim
 * frames over TCP, or over WebSocket on {@code /sub}, and hands each auth frame to the test, which writes every answer
 * itself; and the server's goodbye. Stateless; the caller closes the listener.
 */
final class ScriptedServer {
    private ScriptedServer() {
    }

    /**
     * Binds on {@code group}; {@code onAuth} gets each auth frame with its channel, on that channel's event loop (the
     * frame is released after: copy what you keep).
     */
    static Channel bind(EventLoopGroup group, Transport transport, BiConsumer<Channel, Proto> onAuth) {
        return new ServerBootstrap().group(group)
                .channel(ClientTransports.isEpoll(group) ? EpollServerSocketChannel.class
                        : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (transport.isWebSocket()) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketServerProtocolHandler("/sub"),
                                    new WsProtoCodec(PacketLayout.DEFAULT_MAX_BODY, true));
                        } else {
                            ch.pipeline().addLast(new ProtoFrameDecoder(PacketLayout.DEFAULT_MAX_BODY, true),
                                    ProtoEncoder.INSTANCE);
                        }
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<Proto>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Proto p) {
                                if (p.op() == Op.AUTH) {
                                    onAuth.accept(ctx.channel(), p);
                                }
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    /** The port {@code listener} is bound to. */
    static int port(Channel listener) {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The server's goodbye: op 18 (as {@code ver}) then close over TCP, the close frame over WebSocket. */
    static void goodbye(Channel ch, Transport transport, int ver, int code, String reason) {
        if (transport.isWebSocket()) {
            ch.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ByteBuf body = Unpooled.buffer().writeInt(code).writeBytes(reason.getBytes(StandardCharsets.UTF_8));
            ch.writeAndFlush(Proto.newInstance(ver, Op.DISCONNECT, 0, body)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
