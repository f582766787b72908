package io.jgoim.logic.upstream;

import io.jgoim.logic.backend.BackendHttp;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code http} kind: POSTs the message's {@link UpstreamEnvelope} to the route's URL; a 2xx reply's body becomes
 * the client's reply (empty body: goim's empty echo). Failures become error replies: refused or failed connection
 * UNAVAILABLE (503), no answer within the timeout TIMEOUT (504), a 4xx/5xx status UPSTREAM_FAILED (502), a reply
 * over {@code upstream.http.maxReplyBytes} BODY_TOO_LARGE (3), too many requests in flight on this node RATE_LIMITED
 * (300). Thread-safe; the {@link BackendHttp} is shared by every http route and not owned.
 */
final class HttpUpstream implements UpstreamHandler {
    private final BackendHttp http;
    private final URI url;

    HttpUpstream(BackendHttp http, URI url) {
        this.http = http;
        this.url = url;
    }

    @Override
    public CompletableFuture<ReceiveReply> handle(ReceiveReq request) {
        return http.post(url, UpstreamEnvelope.encode(request)).handle((reply, error) -> {
            if (error != null) {
                return Replies.of(error);
            }
            if (!reply.isSuccess()) {
                return Replies.error(ErrorCode.UPSTREAM_FAILED, "backend answered HTTP " + reply.status());
            }
            return Replies.body(reply.body());
        });
    }
}
