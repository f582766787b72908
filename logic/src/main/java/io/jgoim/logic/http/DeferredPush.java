package io.jgoim.logic.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A push the limiter admitted, whose work (parameters, body, routing, the bus) runs in a turn of the connection's
 * event loop ({@link PushTurns}) instead of inside the read: Netty runs a loop's tasks after it has read every socket
 * that was ready, so
 * every request of that round is decided first and each refusal written at once, instead of waiting behind the
 * accepted pushes read before it (with a pool of hundreds of connections the loop read hundreds of requests a round,
 * and a 429 waited for all the work ahead of it). The pass of the limiter runs from the admission at read time to
 * the reply, the wait for the task included. One object per admitted push is the reply future, the task and the
 * release callback (it replaces the callback the admission took before: no more allocation than an inline push). The
 * request is retained until the task has read it. Created on the event loop; completed on whatever thread finishes
 * the work.
 */
final class DeferredPush extends CompletableFuture<FullHttpResponse>
        implements Runnable, BiConsumer<FullHttpResponse, Throwable> {
    private final ApiService api;
    private final PushShedding shedding;
    private final long admitted;
    private final String tenant;
    private final Route route;
    private final String path;
    private final HttpMethod method;
    private final QueryStringDecoder uri;
    private final FullHttpRequest request;
    private final Channel channel;
    private final String tag;
    private final long startNanos;

    private DeferredPush(ApiService api, PushShedding shedding, long admitted, String tenant, Route route, String path,
                         HttpMethod method, QueryStringDecoder uri, FullHttpRequest request, Channel channel,
                         String tag, long startNanos) {
        this.api = api;
        this.shedding = shedding;
        this.admitted = admitted;
        this.tenant = tenant;
        this.route = route;
        this.path = path;
        this.method = method;
        this.uri = uri;
        this.request = request;
        this.channel = channel;
        this.tag = tag;
        this.startNanos = startNanos;
    }

    /**
     * Queues the work of an admitted push ({@code admitted}: its pass of the limiter) behind the loop's reads, in the
     * loop's turns of pushes ({@link PushTurns}). A loop that no longer takes tasks (shutting down) gets the work done
     * at once instead.
     */
    static CompletableFuture<FullHttpResponse> queue(ApiService api, PushShedding shedding, long admitted,
                                                     String tenant, Route route, String path, HttpMethod method,
                                                     QueryStringDecoder uri, FullHttpRequest request,
                                                     Channel channel, String tag, long startNanos) {
        DeferredPush push = new DeferredPush(api, shedding, admitted, tenant, route, path, method, uri,
                request.retain(), channel, tag, startNanos);
        PushTurns.add(channel.eventLoop(), push);
        return push;
    }

    /** The push's work, after the loop's reads of this round. */
    @Override
    public void run() {
        CompletableFuture<FullHttpResponse> reply;
        try {
            reply = api.serveRoute(tenant, route, path, method, uri, request, channel, tag, startNanos);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e); // a bug: the listener answers 500 and logs it
        } finally {
            request.release();
        }
        reply.whenComplete(this);
    }

    /** The reply is ready: the pass ends, then the listener gets the reply. */
    @Override
    public void accept(FullHttpResponse response, Throwable error) {
        shedding.release(admitted);
        if (error != null) {
            completeExceptionally(error);
        } else {
            complete(response);
        }
    }
}
