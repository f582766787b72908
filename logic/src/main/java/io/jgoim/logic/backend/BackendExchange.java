package io.jgoim.logic.backend;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of one POST: the request, the future its caller holds, its deadline, and where it is (waiting for a
 * connection, or on one). Created on any thread; from {@link BackendPool#submit} on, touched only on its pool's event
 * loop. Completes exactly once: with the reply, or failed with a {@link JgoimException}.
 */
final class BackendExchange {
    private final BackendPool pool;
    private final String requestTarget;
    private final byte[] json;
    private final CompletableFuture<BackendReply> result = new CompletableFuture<>();
    private ScheduledFuture<?> deadline;
    private Channel channel;
    private boolean reused;
    private boolean staleReplaced;

    BackendExchange(BackendPool pool, String requestTarget, byte[] json) {
        this.pool = pool;
        this.requestTarget = requestTarget;
        this.json = json;
    }

    CompletableFuture<BackendReply> result() {
        return result;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** Arms the attempt's deadline (event loop): past it the attempt fails with TIMEOUT wherever it is. */
    void armDeadline(Duration timeout) {
        deadline = pool.loop().schedule(() -> timedOut(timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void timedOut(Duration timeout) {
        if (!fail(new JgoimException(ErrorCode.TIMEOUT, "backend did not answer within " + timeout))) {
            return;
        }
        if (channel != null) {
            channel.close(); // mid-exchange: the connection cannot carry another request
        } else {
            pool.abandon(this);
        }
    }

    /**
     * Sends the request on {@code ch} (event loop). {@code wasIdle}: the connection served a request before and
     * waited in the pool since, so the backend may have closed it meanwhile.
     */
    void start(Channel ch, boolean wasIdle) {
        this.channel = ch;
        this.reused = wasIdle;
        ch.pipeline().get(BackendResponseHandler.class).begin(this);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                requestTarget, Unpooled.wrappedBuffer(json));
        request.headers()
                .set(HttpHeaderNames.HOST, pool.hostHeader())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, json.length)
                .set(HttpHeaderNames.USER_AGENT, "jgoim-logic");
        // A failed write closes the connection; the handler's channelInactive then decides (stale or failed).
        ch.writeAndFlush(request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /**
     * Whether this attempt may go once more, on a fresh connection: it went out on a pooled connection that the
     * backend closed before any byte of a response arrived (the keep-alive race: the backend's idle timer closed it
     * as the request left), and it has not been replaced before. Nothing else is retried here.
     */
    boolean replaceStale() {
        if (isDone() || !reused || staleReplaced) {
            return false;
        }
        staleReplaced = true;
        channel = null;
        reused = false;
        return true;
    }

    boolean complete(BackendReply reply) {
        channel = null;
        if (deadline != null) {
            deadline.cancel(false);
        }
        return result.complete(reply);
    }

    boolean fail(JgoimException e) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        return result.completeExceptionally(e);
    }
}
