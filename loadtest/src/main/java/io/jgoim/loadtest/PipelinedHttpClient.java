package io.jgoim.loadtest;

import io.jgoim.client.ClientTransports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP/1.1 client that pipelines POSTs on one keep-alive connection: requests leave in call order without waiting
 * for earlier responses (open loop), and responses are matched to requests first in, first out, as HTTP/1.1
 * requires. One connection keeps the server's view of the push order equal to the sequence order, so receivers'
 * out-of-order counts measure the server, not the driver. {@link #post} is called from one thread; responses complete
 * on the connection's event loop. A lost connection fails its pending requests with a reason that says which side
 * ended it: "server closed the connection" when the tool neither failed nor closed it, else the tool's own cause
 * (a socket error such as a reset, a failed write, the end of the run). The next post reconnects.
 */
final class PipelinedHttpClient implements AutoCloseable {
    /** A response: status code and body text. */
    record Response(int status, String body) {
    }

    private final URI uri;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final String pathAndQuery;
    private final String hostHeader;
    private Channel channel;
    private final RunAs who;

    /** A client on {@code group}, which the caller owns. */
    PipelinedHttpClient(URI uri, EventLoopGroup group) {
        this(uri, group, RunAs.DEFAULT);
    }

    /** A client whose requests carry {@code who}'s tenant header and API key. */
    PipelinedHttpClient(URI uri, EventLoopGroup group, RunAs who) {
        this.who = who;
        this.uri = uri;
        this.group = group;
        this.pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        this.hostHeader = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        this.bootstrap = new Bootstrap().group(group).channel(ClientTransports.socketChannelClass(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new ResponseHandler());
                    }
                });
    }

    /** Sends a POST with {@code body}; the future completes with the matching response or the connection's loss. */
    CompletableFuture<Response> post(byte[] body) {
        CompletableFuture<Response> f = new CompletableFuture<>();
        Channel ch;
        try {
            ch = connected();
        } catch (IOException e) {
            f.completeExceptionally(e);
            return f;
        }
        ResponseHandler h = ch.pipeline().get(ResponseHandler.class);
        if (h == null) {
            f.completeExceptionally(new IOException("connection closed"));
            return f;
        }
        h.pending.add(f);
        ResponseHandler handler = h;
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, pathAndQuery,
                Unpooled.wrappedBuffer(body));
        req.headers().set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        who.addHeaders(req.headers());
        ch.writeAndFlush(req).addListener(w -> {
            if (!w.isSuccess()) {
                handler.pending.remove(f);
                f.completeExceptionally(new IOException("request not written: connection already closed ("
                        + describe(w.cause()) + ")", w.cause()));
                // A write that found the channel already closed did not end it: whoever closed it did (the server,
                // when its close was read while this write waited for the loop); only a write error is the tool's.
                if (!(w.cause() instanceof java.nio.channels.ClosedChannelException)) {
                    handler.closedBy("a failed write: " + describe(w.cause()));
                }
                ch.close();
            }
        });
        return f;
    }

    private Channel connected() throws IOException {
        if (channel != null && channel.isActive()) {
            return channel;
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        ChannelFuture cf = bootstrap.connect(uri.getHost(), port).awaitUninterruptibly();
        if (!cf.isSuccess()) {
            throw new IOException("cannot connect to " + uri.getHost() + ":" + port, cf.cause());
        }
        channel = cf.channel();
        return channel;
    }

    /** An exception as a short reason: its message, or its class name when it has none. */
    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
    }

    @Override
    public void close() {
        if (channel != null) {
            ResponseHandler h = channel.pipeline().get(ResponseHandler.class);
            if (h != null) {
                h.closedBy("the tool at the end of the run");
            }
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Queue<CompletableFuture<Response>> pending = new ConcurrentLinkedQueue<>();
        /** Why the tool ended the connection; null while only the server can have. */
        private volatile String localCause;

        void closedBy(String cause) {
            if (localCause == null) {
                localCause = cause;
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
            CompletableFuture<Response> f = pending.poll();
            if (f != null) {
                f.complete(new Response(res.status().code(), res.content().toString(StandardCharsets.UTF_8)));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            String cause = localCause;
            IOException e = new IOException(cause == null ? "server closed the connection with the request pending"
                    : cause.contains("reset by peer") ? "server reset the connection with the request pending"
                    : "connection closed by " + cause + ", with the request pending");
            CompletableFuture<Response> f;
            while ((f = pending.poll()) != null) {
                f.completeExceptionally(e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset by the server shows up here as "Connection reset by peer"
            closedBy("an error: " + describe(cause));
            ctx.close();
        }
    }
}
