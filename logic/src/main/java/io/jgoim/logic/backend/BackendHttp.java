package io.jgoim.logic.backend;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * POSTs JSON to a backend with the JDK's {@link HttpClient}: asynchronous (a request holds no thread while it waits),
 * HTTP/1.1 keep-alive connections pooled and reused by the client, and no dependency beyond the JDK. Netty's HTTP
 * codec would keep the calls on Netty loops, but it has no client connection pool; the JDK client's selector thread
 * and a two-thread executor do the I/O, so no comet or API event loop ever waits on a backend.
 *
 * <p>Bounds: at most {@code maxInFlight} requests at once on this node (one more fails at once with RATE_LIMITED),
 * each attempt at most {@code timeout} (TIMEOUT; the exchange is cancelled, which closes its connection), reply
 * bodies at most {@code maxReplyBytes} (BODY_TOO_LARGE). A refused or failed connection is UNAVAILABLE. A non-2xx
 * status is not an error here: callers decide what it means. {@code retries} further attempts follow UNAVAILABLE,
 * TIMEOUT and 502/503/504. Thread-safe; owns its threads ({@link #close()}).
 */
public final class BackendHttp implements AutoCloseable {
    private final BackendConfig config;
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor timers;
    private final HttpClient client;
    private final Semaphore permits;
    private final HttpResponse.BodyHandler<byte[]> bodies;

    /** @param name names this client's threads ({@code jgoim-<name>-http}) */
    public BackendHttp(String name, BackendConfig config) {
        this.config = config;
        this.executor = Executors.newFixedThreadPool(2, daemon("jgoim-" + name + "-http"));
        this.timers = new ScheduledThreadPoolExecutor(1, daemon("jgoim-" + name + "-deadline"));
        timers.setRemoveOnCancelPolicy(true);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        this.permits = new Semaphore(config.maxInFlight());
        this.bodies = LimitedBody.handler(config.maxReplyBytes());
    }

    /** POSTs {@code json} to {@code url}; completes with the backend's reply or fails with a JgoimException. */
    public CompletableFuture<BackendReply> post(URI url, byte[] json) {
        if (!permits.tryAcquire()) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.RATE_LIMITED,
                    config.maxInFlight() + " backend requests already in flight on this logic node"));
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(config.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "jgoim-logic")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        CompletableFuture<BackendReply> done = attempt(request, config.retries());
        done.whenComplete((r, e) -> permits.release());
        return done;
    }

    /** Requests waiting for their backend now. */
    public int inFlight() {
        return config.maxInFlight() - permits.availablePermits();
    }

    private CompletableFuture<BackendReply> attempt(HttpRequest request, int retriesLeft) {
        CompletableFuture<BackendReply> result = new CompletableFuture<>();
        CompletableFuture<HttpResponse<byte[]>> send;
        try {
            send = client.sendAsync(request, bodies);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "backend: " + e));
        }
        ScheduledFuture<?> deadline;
        try {
            // HttpRequest.timeout stops at the response headers; this bounds the body too.
            deadline = timers.schedule(() -> {
                if (result.completeExceptionally(timeout())) {
                    send.cancel(true);
                }
            }, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            send.cancel(true);
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "backend client closed"));
        }
        send.whenComplete((response, error) -> {
            deadline.cancel(false);
            if (error == null) {
                result.complete(new BackendReply(response.statusCode(), response.body()));
            } else {
                result.completeExceptionally(map(error));
            }
        });
        if (retriesLeft == 0) {
            return result;
        }
        return result.handle((reply, error) -> {
            boolean again = error != null ? isRetryable(error) : reply.status() >= 502 && reply.status() <= 504;
            if (again) {
                return attempt(request, retriesLeft - 1);
            }
            return error == null ? CompletableFuture.completedFuture(reply)
                    : CompletableFuture.<BackendReply>failedFuture(error);
        }).thenCompose(f -> f);
    }

    private JgoimException timeout() {
        return new JgoimException(ErrorCode.TIMEOUT, "backend did not answer within " + config.timeout());
    }

    private static boolean isRetryable(Throwable e) {
        return e instanceof JgoimException j && (j.code() == ErrorCode.UNAVAILABLE || j.code() == ErrorCode.TIMEOUT);
    }

    private JgoimException map(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof JgoimException j) {
            return j;
        }
        if (t instanceof HttpConnectTimeoutException) {
            return new JgoimException(ErrorCode.UNAVAILABLE, "backend: no connection within "
                    + config.connectTimeout());
        }
        if (t instanceof HttpTimeoutException || t instanceof CancellationException) {
            return timeout();
        }
        if (t instanceof ConnectException) {
            return new JgoimException(ErrorCode.UNAVAILABLE, "backend refused the connection");
        }
        if (t instanceof IOException) {
            return new JgoimException(ErrorCode.UNAVAILABLE, "backend connection failed: " + t.getMessage());
        }
        return new JgoimException(ErrorCode.UNAVAILABLE, "backend call failed: " + t);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the client's threads; requests in flight fail. The JDK client's selector thread ends with it. */
    @Override
    public void close() {
        timers.shutdownNow();
        executor.shutdownNow();
    }
}
