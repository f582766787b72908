package io.jgoim.comet;

import io.jgoim.protocol.PacketLayout;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A goim test client over a real socket: TCP, TCP+TLS, WebSocket or WSS (TLS through the JDK provider trusting any
 * certificate). It sends raw bytes or frames and collects what the server sends: a byte stream for TCP, one payload
 * per binary message for WebSocket, plus the WebSocket close code. Each client owns its channel; the event loop
 * group is shared by all clients of the test JVM.
 */
public final class TestClient implements AutoCloseable {
    /** How the client connects. */
    public enum Mode { TCP, TLS, WS, WSS }

    private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private static final SslContext SSL;

    static {
        try {
            SSL = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Receives what the server sends as it arrives, on the client's event loop, instead of the client collecting it
     * (for tests that hold many long-lived clients): TCP bytes as they are read (frames may span calls), one
     * WebSocket binary message's payload per call, the close code of a close frame, and the end of the connection.
     */
    public interface Sink {
        void onBytes(byte[] bytes);

        default void onCloseFrame(int code) {
        }

        default void onClosed() {
        }
    }

    private final Mode mode;
    private final Sink sink;
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> upgraded = new CompletableFuture<>();
    private int streamRead;
    private Channel channel;

    private TestClient(Mode mode) {
        this(mode, null);
    }

    private TestClient(Mode mode, Sink sink) {
        this.mode = mode;
        this.sink = sink;
    }

    /**
     * Connects like {@link #connect(Mode, InetSocketAddress, String)}, handing everything the server sends to
     * {@code sink} (nothing is collected: {@link #next} and {@link #closeCode} are not for such a client). Waits at
     * most {@code timeoutMillis} for the WebSocket upgrade.
     */
    public static TestClient connect(Mode mode, InetSocketAddress address, String path, Sink sink,
                                     long timeoutMillis) throws Exception {
        TestClient c = new TestClient(mode, sink);
        c.open(address, path);
        if (mode == Mode.WS || mode == Mode.WSS) {
            try {
                c.upgraded.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                c.close();
                throw e;
            }
        }
        return c;
    }

    /** Connects (and completes the WebSocket upgrade on {@code path}); fails if the upgrade is refused. */
    public static TestClient connect(Mode mode, InetSocketAddress address, String path) throws Exception {
        TestClient c = new TestClient(mode);
        c.open(address, path);
        if (mode == Mode.WS || mode == Mode.WSS) {
            c.upgraded.get(5, TimeUnit.SECONDS);
        }
        return c;
    }

    /** Connects to the listener matching {@code mode} on {@code comet}, WebSocket path /sub. */
    public static TestClient connect(Mode mode, CometServer comet) throws Exception {
        return connect(mode, address(mode, comet), "/sub");
    }

    public static InetSocketAddress address(Mode mode, CometServer comet) {
        switch (mode) {
            case TCP: return comet.tcpAddress();
            case TLS: return comet.tcpTlsAddress();
            case WS: return comet.wsAddress();
            default: return comet.wssAddress();
        }
    }

    /** Connects the WebSocket transport and returns the upgrade failure, if any (for the wrong-path test). */
    public static CompletableFuture<Void> tryUpgrade(Mode mode, InetSocketAddress address, String path) {
        TestClient c = new TestClient(mode);
        c.open(address, path);
        return c.upgraded.whenComplete((v, e) -> c.close());
    }

    private void open(InetSocketAddress address, String path) {
        boolean tls = mode == Mode.TLS || mode == Mode.WSS;
        boolean ws = mode == Mode.WS || mode == Mode.WSS;
        Bootstrap b = new Bootstrap().group(GROUP).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls) {
                            p.addLast(SSL.newHandler(ch.alloc(), "localhost", address.getPort()));
                        }
                        if (ws) {
                            URI uri = URI.create((tls ? "wss" : "ws") + "://localhost:" + address.getPort() + path);
                            p.addLast(new HttpClientCodec(), new HttpObjectAggregator(65536));
                            p.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                    .webSocketUri(uri).version(WebSocketVersion.V13).handleCloseFrames(false)
                                    .maxFramePayloadLength(1 << 20).dropPongFrames(false)
                                    .generateOriginHeader(false).build()));
                        }
                        p.addLast(new Collector());
                    }
                });
        channel = b.connect(address).syncUninterruptibly().channel();
    }

    /** Stops reading from the socket (the server's writes pile up until it becomes unwritable). */
    public TestClient pauseReading() {
        channel.config().setAutoRead(false);
        return this;
    }

    /** Reads from the socket again. */
    public TestClient resumeReading() {
        channel.config().setAutoRead(true);
        channel.read();
        return this;
    }

    /** Sends one WebSocket frame as it is (ping, close, ...). */
    public TestClient sendFrame(WebSocketFrame frame) {
        channel.writeAndFlush(frame).syncUninterruptibly();
        return this;
    }

    /** The payload of the next pong, or null after {@code timeoutMillis}. */
    public byte[] nextPong(long timeoutMillis) throws InterruptedException {
        return pongs.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Sends raw bytes (TCP: on the stream; WebSocket: as one binary message). */
    public TestClient send(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        Object msg = (mode == Mode.WS || mode == Mode.WSS) ? new BinaryWebSocketFrame(buf) : buf;
        channel.writeAndFlush(msg).syncUninterruptibly();
        return this;
    }

    public TestClient sendHex(String hex) {
        return send(ByteBufUtil.decodeHexDump(hex));
    }

    /** Sends one goim frame. */
    public TestClient send(int ver, int op, int seq, byte[] body) {
        return send(frame(ver, op, seq, body));
    }

    public static byte[] frame(int ver, int op, int seq, byte[] body) {
        ByteBuf b = Unpooled.buffer(16 + body.length);
        b.writeInt(16 + body.length).writeShort(16).writeShort(ver).writeInt(op).writeInt(seq).writeBytes(body);
        return ByteBufUtil.getBytes(b);
    }

    /** Sends goim's auth frame with a JSON token. */
    public TestClient auth(int ver, String json) {
        return send(ver, 7, 1, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The next unit the server sent: over TCP the next whole frame read from the stream, over WebSocket the next
     * binary message's payload. Null on timeout.
     */
    public byte[] next(long timeoutMillis) throws InterruptedException {
        if (mode == Mode.WS || mode == Mode.WSS) {
            return messages.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        }
        long end = System.currentTimeMillis() + timeoutMillis;
        synchronized (stream) {
            for (;;) {
                byte[] all = stream.toByteArray();
                int avail = all.length - streamRead;
                if (avail >= 4) {
                    int len = ((all[streamRead] & 0xff) << 24) | ((all[streamRead + 1] & 0xff) << 16)
                            | ((all[streamRead + 2] & 0xff) << 8) | (all[streamRead + 3] & 0xff);
                    if (len >= PacketLayout.HEADER_LENGTH && avail >= len) {
                        byte[] out = java.util.Arrays.copyOfRange(all, streamRead, streamRead + len);
                        streamRead += len;
                        return out;
                    }
                }
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                stream.wait(left);
            }
        }
    }

    /** Exactly {@code n} bytes of the TCP stream, or null on timeout. */
    public byte[] nextBytes(int n, long timeoutMillis) throws InterruptedException {
        long end = System.currentTimeMillis() + timeoutMillis;
        synchronized (stream) {
            for (;;) {
                byte[] all = stream.toByteArray();
                if (all.length - streamRead >= n) {
                    byte[] out = java.util.Arrays.copyOfRange(all, streamRead, streamRead + n);
                    streamRead += n;
                    return out;
                }
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                stream.wait(left);
            }
        }
    }

    /** The WebSocket close code the server sent (completes when a close frame arrives). */
    public CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    /** Completes when the connection is closed. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    /** Static op of a frame's bytes. */
    public static int op(byte[] frame) {
        return java.nio.ByteBuffer.wrap(frame).getInt(8);
    }

    public static int seq(byte[] frame) {
        return java.nio.ByteBuffer.wrap(frame).getInt(12);
    }

    public static int intBody(byte[] frame) {
        return java.nio.ByteBuffer.wrap(frame).getInt(16);
    }

    public static String body(byte[] frame) {
        return new String(frame, 16, frame.length - 16, java.nio.charset.StandardCharsets.UTF_8);
    }

    private final class Collector extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (sink != null) {
                    toSink(msg);
                } else if (msg instanceof BinaryWebSocketFrame) {
                    messages.add(ByteBufUtil.getBytes(((BinaryWebSocketFrame) msg).content()));
                } else if (msg instanceof PongWebSocketFrame) {
                    pongs.add(ByteBufUtil.getBytes(((PongWebSocketFrame) msg).content()));
                } else if (msg instanceof CloseWebSocketFrame) {
                    closeCode.complete(((CloseWebSocketFrame) msg).statusCode());
                } else if (msg instanceof ByteBuf) {
                    synchronized (stream) {
                        ByteBuf b = (ByteBuf) msg;
                        b.readBytes(stream, b.readableBytes());
                        stream.notifyAll();
                    }
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void toSink(Object msg) {
            if (msg instanceof BinaryWebSocketFrame) {
                sink.onBytes(ByteBufUtil.getBytes(((BinaryWebSocketFrame) msg).content()));
            } else if (msg instanceof CloseWebSocketFrame) {
                sink.onCloseFrame(((CloseWebSocketFrame) msg).statusCode());
            } else if (msg instanceof ByteBuf) {
                sink.onBytes(ByteBufUtil.getBytes((ByteBuf) msg));
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                upgraded.complete(null);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof WebSocketClientHandshakeException) {
                upgraded.completeExceptionally(cause);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            upgraded.completeExceptionally(new IllegalStateException("closed before the upgrade"));
            closeCode.complete(-1);
            closed.complete(null);
            if (sink != null) {
                sink.onClosed();
            }
            synchronized (stream) {
                stream.notifyAll();
            }
        }
    }
}
