package io.jgoim.comet.node;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.session.SessionServices;
import io.jgoim.comet.transport.SessionRecvAllocator;
import io.jgoim.comet.transport.TcpChannelInitializer;
import io.jgoim.comet.transport.TlsContexts;
import io.jgoim.comet.transport.Transports;
import io.jgoim.comet.transport.WebSocketChannelInitializer;
import io.jgoim.common.net.AcceptErrorHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The comet's client listeners (TCP, TCP+TLS, WebSocket, WSS): binds each with the socket options of the
 * {@code tcp} and {@code outbound} config, accepts once {@link #open()} is called (the comet first makes sure job
 * pushes to it), and keeps the listening channels so the close can stop accepting first.
 * Used from the thread that starts or closes the comet.
 */
public final class Listeners {
    /**
     * Read buffer sizing for every session: one shared instance whose per-channel handle is one 40-byte object
     * (Netty's adaptive allocator gives each channel 128 bytes of handle, calculator and supplier), sized as Netty's
     * (64 B to 64 KiB, from 2 KiB) and, as Netty's allocator set as a channel option does, one read per read pass.
     */
    private static final SessionRecvAllocator RECV_ALLOCATOR = new SessionRecvAllocator(1);

    private final CometConfig config;
    private final Transports transports;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final List<Channel> channels = new ArrayList<>();
    private InetSocketAddress tcp;
    private InetSocketAddress tcpTls;
    private InetSocketAddress ws;
    private InetSocketAddress wss;

    public Listeners(CometConfig config, Transports transports, EventLoopGroup boss, EventLoopGroup workers) {
        this.config = config;
        this.transports = transports;
        this.boss = boss;
        this.workers = workers;
    }

    /**
     * Binds every client listener the config enables (TCP, TCP+TLS, WebSocket, WSS; one TLS context for both TLS
     * ones), their sessions served by {@code services}; throws naming the first that fails to bind.
     */
    public void bindClients(SessionServices services) {
        SslContext ssl = null;
        MeterRegistry registry = services.metrics().registry();
        CometConfig.TcpConfig tcpConfig = config.tcp();
        if ((tcpConfig.enabled() && tcpConfig.tlsEnabled()) || config.wss().enabled()) {
            ssl = TlsContexts.server(config.tls());
        }
        if (tcpConfig.enabled()) {
            tcp = bind("tcp", tcpConfig.bind(), tcpConfig.port(), new TcpChannelInitializer(services, null), registry);
            if (tcpConfig.tlsEnabled()) {
                tcpTls = bind("tcp-tls", tcpConfig.bind(), tcpConfig.tlsPort(), new TcpChannelInitializer(services, ssl),
                        registry);
            }
        }
        if (config.webSocket().enabled()) {
            ws = bind("ws", config.webSocket().bind(), config.webSocket().port(),
                    new WebSocketChannelInitializer(services, null), registry);
        }
        if (config.wss().enabled()) {
            wss = bind("wss", config.wss().bind(), config.wss().port(), new WebSocketChannelInitializer(services, ssl),
                    registry);
        }
    }

    /** The TCP listener's address; null when disabled or not bound. */
    public InetSocketAddress tcp() {
        return tcp;
    }

    /** The TCP+TLS listener's address; null when disabled or not bound. */
    public InetSocketAddress tcpTls() {
        return tcpTls;
    }

    /** The WebSocket listener's address; null when disabled or not bound. */
    public InetSocketAddress ws() {
        return ws;
    }

    /** The WSS listener's address; null when disabled or not bound. */
    public InetSocketAddress wss() {
        return wss;
    }

    /**
     * Binds the listener {@code name} whose accepted channels {@code initializer} sets up; throws naming it if the
     * bind fails. It accepts no connection before {@link #open()} (clients' connects wait in the backlog meanwhile);
     * a failed accept pauses it 1 s ({@link AcceptErrorHandler}, counted in {@code registry}).
     */
    private InetSocketAddress bind(String name, String host, int port, ChannelHandler initializer,
                                   MeterRegistry registry) {
        CometConfig.TcpConfig tcp = config.tcp();
        CometConfig.OutboundConfig out = config.outbound();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, tcp.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new AcceptErrorHandler(name, registry))
                .childOption(ChannelOption.TCP_NODELAY, tcp.noDelay())
                .childOption(ChannelOption.SO_KEEPALIVE, tcp.keepAlive())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECV_ALLOCATOR)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(out.lowWaterMarkBytes(), out.highWaterMarkBytes()))
                .childHandler(initializer);
        if (tcp.sendBufferBytes() > 0) {
            b.childOption(ChannelOption.SO_SNDBUF, tcp.sendBufferBytes());
        }
        if (tcp.receiveBufferBytes() > 0) {
            b.childOption(ChannelOption.SO_RCVBUF, tcp.receiveBufferBytes());
        }
        Channel ch;
        try {
            ch = b.bind(host, port).syncUninterruptibly().channel();
        } catch (Exception e) {
            // syncUninterruptibly rethrows the checked BindException as is; name the listener instead.
            throw new IllegalStateException("cannot bind " + host + ":" + port + ": " + e.getMessage(), e);
        }
        channels.add(ch);
        return (InetSocketAddress) ch.localAddress();
    }

    /** Starts accepting on every bound listener. */
    public void open() {
        for (Channel ch : channels) {
            ch.config().setAutoRead(true);
        }
    }

    /** Stops accepting: closes every listening channel (accepted sessions stay open). */
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
    }
}
