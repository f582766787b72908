package io.jgoim.logic.backend;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * POSTs JSON to backends over HTTP/1.1 with Netty ("Netty for every socket"): one event-loop thread of its own
 * ({@code jgoim-<name>-http}), so no comet or API event loop ever waits on a backend, and per backend (scheme, host,
 * port) a {@link BackendPool} of at most {@code maxConnections} keep-alive connections.
 *
 * <p>Bounds: at most {@code maxInFlight} requests at once on this node, waiting for a connection or on one (one more
 * fails at once with RATE_LIMITED); each attempt at most {@code timeout} from submission to the reply's last byte,
 * queueing included (TIMEOUT; a connection mid-exchange is closed); reply bodies at most {@code maxReplyBytes}
 * (BODY_TOO_LARGE). A refused, timed-out or failed connection is UNAVAILABLE. A non-2xx status is not an error here:
 * callers decide what it means. {@code retries} further attempts follow UNAVAILABLE, TIMEOUT and 502/503/504 (0 by
 * default). Apart from them exactly one case is retried, once: a pooled keep-alive connection the backend closed
 * before any byte of a reply arrived (it closed the idle connection as the request left; the request was not
 * processed) — the request goes again on a fresh connection. Thread-safe; owns its thread ({@link #close()}).
 */
public final class BackendHttp implements AutoCloseable {
    private final BackendConfig config;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final Semaphore permits;
    private final Map<String, BackendPool> pools = new ConcurrentHashMap<>();
    private final Map<URI, Endpoint> endpoints = new ConcurrentHashMap<>();
    private volatile SslContext ssl;

    private record Endpoint(BackendPool pool, String requestTarget) {
    }

    /** @param name names this client's thread ({@code jgoim-<name>-http}) */
    public BackendHttp(String name, BackendConfig config) {
        this.config = config;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("jgoim-" + name + "-http", true), io);
        this.permits = new Semaphore(config.maxInFlight());
    }

    /** POSTs {@code json} to {@code url}; completes with the backend's reply or fails with a JgoimException. */
    public CompletableFuture<BackendReply> post(URI url, byte[] json) {
        if (!permits.tryAcquire()) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.RATE_LIMITED,
                    config.maxInFlight() + " backend requests already in flight on this logic node"));
        }
        CompletableFuture<BackendReply> done;
        try {
            done = attempt(endpoint(url), json, config.retries());
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e instanceof JgoimException ? e
                    : new JgoimException(ErrorCode.UNAVAILABLE, "backend: " + e));
        }
        done.whenComplete((r, e) -> permits.release());
        return done;
    }

    /** Requests waiting for their backend now. */
    public int inFlight() {
        return config.maxInFlight() - permits.availablePermits();
    }

    private CompletableFuture<BackendReply> attempt(Endpoint endpoint, byte[] json, int retriesLeft) {
        BackendExchange ex = new BackendExchange(endpoint.pool(), endpoint.requestTarget(), json);
        try {
            endpoint.pool().submit(ex);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "backend client closed"));
        }
        if (retriesLeft == 0) {
            return ex.result();
        }
        return ex.result().handle((reply, error) -> {
            boolean again = error != null ? isRetryable(error) : reply.status() >= 502 && reply.status() <= 504;
            if (again) {
                return attempt(endpoint, json, retriesLeft - 1);
            }
            return error == null ? CompletableFuture.completedFuture(reply)
                    : CompletableFuture.<BackendReply>failedFuture(error);
        }).thenCompose(f -> f);
    }

    private static boolean isRetryable(Throwable e) {
        return e instanceof JgoimException j && (j.code() == ErrorCode.UNAVAILABLE || j.code() == ErrorCode.TIMEOUT);
    }

    private Endpoint endpoint(URI url) {
        Endpoint e = endpoints.get(url);
        return e != null ? e : endpoints.computeIfAbsent(url, this::newEndpoint);
    }

    private Endpoint newEndpoint(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https");
        if (!tls && !scheme.equals("http")) {
            throw new JgoimException(ErrorCode.UNAVAILABLE, "backend URL must be http or https: " + url);
        }
        String host = url.getHost();
        int port = url.getPort() < 0 ? (tls ? 443 : 80) : url.getPort();
        boolean defaultPort = url.getPort() < 0 || port == (tls ? 443 : 80);
        BackendPool pool = pools.computeIfAbsent(scheme + "://" + host + ":" + port, k -> new BackendPool(
                group.next(), channelType, host, port, defaultPort, tls ? sslContext() : null, config));
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return new Endpoint(pool, url.getRawQuery() == null ? path : path + "?" + url.getRawQuery());
    }

    private SslContext sslContext() {
        SslContext s = ssl;
        if (s == null) {
            try {
                s = SslContextBuilder.forClient().build(); // the JDK's trusted CAs
            } catch (SSLException e) {
                throw new JgoimException(ErrorCode.UNAVAILABLE, "backend TLS: " + e.getMessage());
            }
            ssl = s;
        }
        return s;
    }

    /** Fails waiting requests, closes every connection (requests on them fail) and stops the thread. */
    @Override
    public void close() {
        for (BackendPool p : pools.values()) {
            try {
                p.loop().execute(p::close);
            } catch (RejectedExecutionException e) {
                // already stopping
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
