package io.jgoim.client;

import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoEncoder;
import io.jgoim.protocol.ProtoFrameDecoder;
import io.jgoim.protocol.ws.WsProtoCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

import java.net.URI;

/**
 * Builds a client channel's pipeline: optional TLS, then either the goim TCP codec or the WebSocket client stack
 * (HTTP upgrade to the configured path, control-frame handling, one goim frame per binary message), then the
 * {@link ClientHandler}; and the bootstrap that uses it. Shared by every channel of one client.
 */
final class ClientChannelInitializer extends ChannelInitializer<Channel> {
    /**
     * The allocator of every client channel: Netty's pooled one rather than 4.2's default adaptive allocator. The
     * frame decoder hands each frame on as a retained slice of the read buffer, and the op-9 and op-20 walks do the
     * same per inner frame; a slice of a pooled buffer is a recycled object, a slice of an adaptive buffer is a new
     * 40-byte one, once per delivered message (ClientReceiveBenchmark). A load tool holding thousands of clients on
     * two cores, or a mobile-sized process, pays that in GC on the receive path.
     */
    static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private final ClientConfig cfg;
    private final Connection connection;

    private ClientChannelInitializer(ClientConfig cfg, Connection connection) {
        this.cfg = cfg;
        this.connection = connection;
    }

    /** The bootstrap of one client's channels: pinned to {@code loop}, options from {@code cfg}. */
    static Bootstrap bootstrap(ClientConfig cfg, EventLoopGroup group, EventLoop loop, Connection connection) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(ClientTransports.socketChannelClass(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, ALLOCATOR)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) cfg.connectTimeout().toMillis())
                .handler(new ClientChannelInitializer(cfg, connection));
        if (cfg.localAddress() != null && ClientTransports.isEpoll(group)) {
            // Lets the kernel pick the source port per destination, so one source address serves more sessions.
            b.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        return b;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        // The address of this attempt: set by the connection before it connects, on this same loop.
        String target = connection.stats().target();
        String host = NodeLists.host(target);
        int port = NodeLists.port(target);
        if (cfg.transport().isTls()) {
            p.addLast(PipelineNames.TLS, cfg.sslContext().newHandler(ch.alloc(), host, port));
        }
        if (cfg.transport().isWebSocket()) {
            String scheme = cfg.transport().isTls() ? "wss" : "ws";
            URI uri = URI.create(scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port
                    + cfg.path());
            p.addLast(PipelineNames.HTTP_CODEC, new HttpClientCodec());
            p.addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(8192));
            p.addLast(PipelineNames.WS_PROTOCOL, new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig
                    .newBuilder()
                    .webSocketUri(uri)
                    .maxFramePayloadLength(cfg.maxFrameBytes())
                    .handleCloseFrames(false)
                    .handshakeTimeoutMillis(cfg.connectTimeout().toMillis())
                    // Netty would send an Origin made from the comet's own URL; the SDK is no browser page, and a
                    // comet's webSocket.allowedOrigins lets requests without an Origin through (browsers send one).
                    .generateOriginHeader(false)
                    .build()));
            p.addLast(PipelineNames.WS_AGGREGATOR, new WebSocketFrameAggregator(cfg.maxFrameBytes()));
            p.addLast(PipelineNames.WS_CONTROL, WsControlHandler.INSTANCE);
            p.addLast(PipelineNames.WS_CODEC, new WsProtoCodec(Integer.MAX_VALUE - PacketLayout.HEADER_LENGTH,
                    false));
        } else {
            p.addLast(PipelineNames.FRAME_DECODER, ProtoFrameDecoder.forServerFrames());
            p.addLast(PipelineNames.FRAME_ENCODER, ProtoEncoder.INSTANCE);
        }
        p.addLast(PipelineNames.CLIENT, new ClientHandler(connection, cfg.transport().isWebSocket(),
                cfg.transport().isTls()));
    }
}
