package io.jgoim.logic.backend;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.ConnectException;
import java.util.ArrayDeque;

/**
 * The keep-alive connections to one backend (scheme, host, port): at most {@code maxConnections} open; a request
 * takes the most recently used idle connection, else opens one while under the bound, else waits in FIFO order for
 * the next connection to come free (its deadline still running). Pinned to one event loop: every field is touched
 * there only, so no locks. An idle connection the backend closes leaves the pool when it closes.
 */
final class BackendPool {
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final String host;
    private final int port;
    private final String hostHeader;
    private final BackendConfig config;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<BackendExchange> waiting = new ArrayDeque<>();
    private int open;
    private boolean closed;

    BackendPool(EventLoop loop, Class<? extends Channel> channelType, String host, int port, boolean defaultPort,
                SslContext sslOrNull, BackendConfig config) {
        this.loop = loop;
        this.host = host;
        this.port = port;
        this.hostHeader = defaultPort ? host : host + ":" + port;
        this.config = config;
        BackendPool pool = this;
        this.bootstrap = new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (sslOrNull != null) {
                            SslHandler ssl = sslOrNull.newHandler(ch.alloc(), host, port);
                            SSLEngine engine = ssl.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS"); // check the certificate's name
                            engine.setSSLParameters(params);
                            p.addLast(ssl);
                        }
                        p.addLast(new HttpClientCodec());
                        p.addLast(new BackendResponseHandler(pool, config.maxReplyBytes()));
                    }
                });
    }

    EventLoop loop() {
        return loop;
    }

    String hostHeader() {
        return hostHeader;
    }

    /** Starts {@code ex}'s attempt (any thread). */
    void submit(BackendExchange ex) {
        loop.execute(() -> {
            if (closed) {
                ex.fail(new JgoimException(ErrorCode.UNAVAILABLE, "backend client closed"));
                return;
            }
            ex.armDeadline(config.timeout());
            dispatch(ex);
        });
    }

    private void dispatch(BackendExchange ex) {
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive()) {
                ex.start(ch, true);
                return;
            }
        }
        if (open < config.maxConnections()) {
            connect(ex);
        } else {
            waiting.addLast(ex);
        }
    }

    private void connect(BackendExchange ex) {
        open++;
        ChannelFuture f = bootstrap.connect(host, port);
        f.addListener(done -> {
            if (done.isSuccess()) {
                if (ex.isDone()) {
                    release(f.channel()); // timed out while connecting: the connection serves the next one
                } else {
                    ex.start(f.channel(), false);
                }
                return;
            }
            // Never active, so no channelInactive: the slot is given back here.
            open--;
            ex.fail(connectFailure(done.cause()));
            serveWaiting();
        });
    }

    private JgoimException connectFailure(Throwable t) {
        if (t instanceof ConnectTimeoutException) {
            return new JgoimException(ErrorCode.UNAVAILABLE, "backend: no connection within "
                    + config.connectTimeout());
        }
        if (t instanceof ConnectException) {
            return new JgoimException(ErrorCode.UNAVAILABLE, "backend refused the connection");
        }
        return new JgoimException(ErrorCode.UNAVAILABLE, "backend connection failed: " + t);
    }

    /** A connection finished its exchange and may carry another (event loop). */
    void release(Channel ch) {
        if (closed) {
            ch.close();
            return;
        }
        BackendExchange next;
        while ((next = waiting.pollFirst()) != null) {
            if (!next.isDone()) {
                next.start(ch, false);
                return;
            }
        }
        idle.addLast(ch);
    }

    /**
     * A connection closed (event loop); {@code staleOrNull} is the exchange it carried when the backend closed it
     * before answering and that may go once more: it takes the freed slot on a fresh connection.
     */
    void closed(Channel ch, BackendExchange staleOrNull) {
        open--;
        idle.remove(ch);
        if (staleOrNull != null) {
            if (closed) {
                staleOrNull.fail(new JgoimException(ErrorCode.UNAVAILABLE, "backend client closed"));
            } else {
                connect(staleOrNull);
            }
        }
        serveWaiting();
    }

    private void serveWaiting() {
        while (!closed && open < config.maxConnections() && !waiting.isEmpty()) {
            BackendExchange next = waiting.pollFirst();
            if (!next.isDone()) {
                connect(next);
            }
        }
    }

    /** An exchange gave up while waiting for a connection (event loop). */
    void abandon(BackendExchange ex) {
        waiting.remove(ex);
    }

    /** Fails the waiting exchanges and closes every connection (event loop); requests on them fail as they close. */
    void close() {
        closed = true;
        BackendExchange ex;
        while ((ex = waiting.pollFirst()) != null) {
            ex.fail(new JgoimException(ErrorCode.UNAVAILABLE, "backend client closed"));
        }
        Channel ch;
        while ((ch = idle.pollFirst()) != null) {
            ch.close();
        }
    }
}
