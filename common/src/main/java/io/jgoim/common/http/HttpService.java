package io.jgoim.common.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;

/**
 * What an HTTP listener answers: one response per request, possibly later. {@link PipelinedHttpHandler} calls it on
 * the channel's event loop and writes the responses in request order, so implementations must not block; the
 * future may complete on any thread. Shared by every channel of a listener, so implementations are thread-safe.
 */
@FunctionalInterface
public interface HttpService {
    /**
     * Starts answering {@code request}. The request is released when this returns: copy what the work needs (a body)
     * before returning. A failed future is a bug of the service: it is answered 500 and logged at ERROR.
     *
     * @param channel the connection (remote address, attributes); never written to by the service
     */
    CompletableFuture<FullHttpResponse> serve(FullHttpRequest request, Channel channel);

    /** The answer to a request Netty could not decode (bad request line, header too long); the connection closes. */
    default FullHttpResponse malformed(FullHttpRequest request) {
        return HttpResponses.text(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request\n");
    }

    /**
     * The answer when the listener itself refuses a request or a connection ({@code refusal} says why and gives the
     * status; {@code message} is the detail); the connection closes after it. On the event loop.
     */
    default FullHttpResponse refuse(HttpRefusal refusal, String message) {
        return HttpResponses.text(refusal.status(), message + "\n");
    }
}
