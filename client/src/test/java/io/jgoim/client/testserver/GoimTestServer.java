package io.jgoim.client.testserver;

import io.jgoim.client.ClientTransports;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtoEncoder;
import io.jgoim.protocol.ProtoFrameDecoder;
import io.jgoim.protocol.ws.WsProtoCodec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A small but real goim-speaking server for tests of the client SDK and the load tool: TCP and WebSocket
 * ({@code /sub}) listeners on 127.0.0.1 (optionally inside TLS), auth with goim's JSON token, heartbeat replies with
 * the room's online count, change-room / watch / unwatch echoes, upstream replies (goim's empty echo), pushes and op-9
 * batches encoded once and shared by every recipient, drops and close codes, and a goim-style HTTP push API
 * ({@code POST /goim/push/room|mids|keys|all}). Not a comet: no buckets, rings or logic, just enough protocol to test
 * clients against real sockets. Thread-safe; push methods may be called from any thread.
 */
public final class GoimTestServer implements AutoCloseable {
    /** A token whose body is exactly this is refused with {@link CloseCode#AUTH_FAILED}. */
    public static final String DENY_TOKEN = "deny";
    /** An upstream op-4 body that gets an error reply (code 400) instead of goim's echo. */
    public static final String FAIL_UPSTREAM = "fail";

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final SslContext sslContext;
    private final Map<Channel, TestSession> sessions = new ConcurrentHashMap<>();
    private final List<Channel> listeners = new ArrayList<>();
    private final List<String> upstream = new CopyOnWriteArrayList<>();
    private final AtomicLong auths = new AtomicLong();
    private final java.util.Set<String> remoteHosts = ConcurrentHashMap.newKeySet();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong pushedFrames = new AtomicLong();
    private volatile boolean heartbeatReplies = true;
    private volatile boolean authReplies = true;
    private int tcpPort;
    private int wsPort;
    private int httpPort;

    private GoimTestServer(EventLoopGroup group, SslContext sslContext) {
        this.ownsGroup = group == null;
        this.group = ownsGroup ? ClientTransports.newEventLoopGroup(1) : group;
        this.sslContext = sslContext;
    }

    /** Starts a plain server on three random ports with its own one-thread event loop. */
    public static GoimTestServer start() {
        return start(null, null);
    }

    /** Starts a server on {@code group} (null: its own); TLS on TCP and WebSocket when {@code sslContext} is set. */
    public static GoimTestServer start(EventLoopGroup group, SslContext sslContext) {
        GoimTestServer s = new GoimTestServer(group, sslContext);
        try {
            s.tcpPort = s.bind(false);
            s.wsPort = s.bind(true);
            s.httpPort = s.bindHttp();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private ServerBootstrap bootstrap() {
        return new ServerBootstrap()
                .group(group)
                .channel(ClientTransports.isEpoll(group) ? EpollServerSocketChannel.class
                        : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true);
    }

    private int bind(boolean webSocket) {
        GoimTestServer server = this;
        Channel ch = bootstrap().childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                if (sslContext != null) {
                    c.pipeline().addLast(sslContext.newHandler(c.alloc()));
                }
                if (webSocket) {
                    c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                            new WebSocketServerProtocolHandler("/sub", null, false, 65536),
                            new WsProtoCodec(PacketLayout.DEFAULT_MAX_BODY, true));
                } else {
                    c.pipeline().addLast(new ProtoFrameDecoder(PacketLayout.DEFAULT_MAX_BODY, true),
                            ProtoEncoder.INSTANCE);
                }
                c.pipeline().addLast(new TestSessionHandler(server, webSocket));
            }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        listeners.add(ch);
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    private int bindHttp() {
        GoimTestServer server = this;
        Channel ch = bootstrap().childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                        new TestPushApiHandler(server));
            }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        listeners.add(ch);
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int wsPort() {
        return wsPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** Sessions that passed auth and are still open. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Auth frames accepted since start (re-auths after reconnects included). */
    public long authCount() {
        return auths.get();
    }

    /** The client addresses sessions authenticated from since start. */
    public java.util.Set<String> remoteHosts() {
        return java.util.Set.copyOf(remoteHosts);
    }

    public long heartbeatCount() {
        return heartbeats.get();
    }

    /** Frames handed to sessions by push methods (one per recipient per message). */
    public long pushedFrames() {
        return pushedFrames.get();
    }

    /** Upstream message bodies received (op 4 and business ops), as UTF-8. */
    public List<String> upstreamMessages() {
        return upstream;
    }

    /** Whether heartbeats get a reply (false simulates a server that stopped answering). */
    public void heartbeatReplies(boolean on) {
        heartbeatReplies = on;
    }

    /** Whether auth frames get a reply (false simulates a logic that never answers). */
    public void authReplies(boolean on) {
        authReplies = on;
    }

    boolean answersAuth() {
        return authReplies;
    }

    /**
     * Writes {@code bytes} as they are to every session: on TCP straight into the stream, on WebSocket as one binary
     * message. For frames a well-behaved server would never send.
     */
    public void writeRawToAll(byte[] bytes) {
        for (TestSession s : sessions.values()) {
            if (s.webSocket) {
                s.channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
            } else {
                s.channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
            }
        }
    }

    /** The open sessions, for assertions. */
    public List<TestSession> sessions() {
        return new ArrayList<>(sessions.values());
    }

    public int roomCount(String room) {
        int n = 0;
        for (TestSession s : sessions.values()) {
            if (room.equals(s.room)) {
                n++;
            }
        }
        return n;
    }

    void register(TestSession s) {
        auths.incrementAndGet();
        if (s.channel.remoteAddress() instanceof InetSocketAddress a) {
            remoteHosts.add(a.getAddress().getHostAddress());
        }
        sessions.put(s.channel, s);
    }

    void unregister(Channel ch) {
        sessions.remove(ch);
    }

    void heartbeat() {
        heartbeats.incrementAndGet();
    }

    boolean answersHeartbeats() {
        return heartbeatReplies;
    }

    void upstream(String body) {
        upstream.add(body);
    }

    // ---------------------------------------------------------------- pushes

    /** Pushes one message to every session in {@code room} (encoded once); returns the number of recipients. */
    public int pushRoom(String room, int op, byte[] body) {
        return pushFrames(s -> room.equals(s.room), false, op, List.of(body));
    }

    /** Pushes several messages to a room as one batch: TCP frames back to back, one op-9 message on WebSocket. */
    public int pushRoomBatch(String room, int op, List<byte[]> bodies) {
        return pushFrames(s -> room.equals(s.room), false, op, bodies);
    }

    /** Pushes to every session of the given members that watches {@code op} (goim's rule for key pushes). */
    public int pushMids(List<Long> mids, int op, byte[] body) {
        return pushFrames(s -> mids.contains(s.mid), true, op, List.of(body));
    }

    /** Pushes to the sessions with the given keys. */
    public int pushKeys(List<String> keys, int op, byte[] body) {
        return pushFrames(s -> keys.contains(s.key), true, op, List.of(body));
    }

    /** Pushes to every session. */
    public int pushAll(int op, byte[] body) {
        return pushFrames(s -> true, true, op, List.of(body));
    }

    private int pushFrames(Predicate<TestSession> to, boolean watchedOnly, int op, List<byte[]> bodies) {
        ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
        ByteBuf frames = alloc.ioBuffer();
        ByteBuf wrapped = null;
        int n = 0;
        try {
            for (byte[] b : bodies) {
                ProtoCodec.writeHeader(frames, b.length, PacketLayout.VERSION, op, 0);
                frames.writeBytes(b);
            }
            wrapped = ProtoCodec.wrapRaw(alloc, frames);
            for (TestSession s : sessions.values()) {
                if (!to.test(s) || watchedOnly && !s.accepts(op)) {
                    continue;
                }
                n++;
                if (s.webSocket) {
                    s.channel.writeAndFlush(new BinaryWebSocketFrame(wrapped.retainedDuplicate()));
                } else {
                    s.channel.writeAndFlush(frames.retainedDuplicate());
                }
            }
        } finally {
            frames.release();
            if (wrapped != null) {
                wrapped.release();
            }
        }
        pushedFrames.addAndGet((long) n * bodies.size());
        return n;
    }

    // ---------------------------------------------------------------- faults

    /** Drops every session without a goodbye (a crashed or partitioned comet). */
    public void dropAll() {
        for (TestSession s : sessions.values()) {
            // Close from the first handler so the WebSocket handler cannot add its polite close frame.
            s.channel.pipeline().firstContext().close();
        }
    }

    /**
     * Closes every session with {@code code}: a WebSocket close frame, a TCP {@link Op#DISCONNECT} frame for extended
     * (ver 2) clients, a bare close for goim clients.
     */
    public void closeAll(CloseCode code) {
        for (TestSession s : sessions.values()) {
            closeWith(s.channel, s.webSocket, s.ver, code);
        }
    }

    static void closeWith(Channel ch, boolean webSocket, int ver, CloseCode code) {
        if (webSocket) {
            ch.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (ver == PacketLayout.VERSION_EXTENDED) {
            byte[] reason = code.reason().getBytes(StandardCharsets.UTF_8);
            ByteBuf body = Unpooled.buffer(4 + reason.length).writeInt(code.code()).writeBytes(reason);
            ch.writeAndFlush(Proto.newInstance(ver, Op.DISCONNECT, 0, body)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }

    @Override
    public void close() {
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        for (TestSession s : sessions.values()) {
            s.channel.close();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
