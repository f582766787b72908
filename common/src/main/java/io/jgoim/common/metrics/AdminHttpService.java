package io.jgoim.common.metrics;

import io.jgoim.common.http.QueryDecoding;
import io.jgoim.common.admin.AdminEndpoint;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.http.HttpRefusal;
import io.jgoim.common.http.HttpService;
import io.jgoim.common.http.JsonReply;
import io.jgoim.common.http.PercentEscapes;
import io.jgoim.protocol.ErrorCode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

import java.util.concurrent.CompletableFuture;

/**
 * What a comet's or job's admin listener ({@link MetricsHttpServer}) answers: a target whose escapes do not decode is
 * refused BAD_PARAMETER before anything reads it, {@code /admin/*} goes to the node's {@link AdminEndpoint} (404
 * without one), the rest to {@link MetricsHttpServer#respond}. The listener's own refusals (malformed request,
 * version, timeout, size, connections) are JSON errors with the code {@link HttpRefusal#code()} names, as on logic's
 * API. Thread-safe (stateless apart from what it is given).
 */
final class AdminHttpService implements HttpService {
    private final PrometheusMeterRegistry registry;
    private final NodeHealth health;
    private final AdminEndpoint adminOrNull;

    AdminHttpService(PrometheusMeterRegistry registry, NodeHealth health, AdminEndpoint adminOrNull) {
        this.registry = registry;
        this.health = health;
        this.adminOrNull = adminOrNull;
    }

    @Override
    public CompletableFuture<FullHttpResponse> serve(FullHttpRequest request, Channel channel) {
        String problem = PercentEscapes.problem(request.uri());
        if (problem != null) {
            return CompletableFuture.completedFuture(
                    JsonReply.error(ErrorCode.BAD_PARAMETER, "malformed request target: " + problem));
        }
        if (adminOrNull != null && AdminEndpoint.handles(QueryDecoding.of(request.uri()).path())) {
            return adminOrNull.serve(request, channel);
        }
        return MetricsHttpServer.respond(registry, health, request);
    }

    @Override
    public FullHttpResponse malformed(FullHttpRequest request) {
        return JsonReply.error(ErrorCode.BAD_PARAMETER,
                "malformed HTTP request: " + request.decoderResult().cause().getMessage());
    }

    @Override
    public FullHttpResponse refuse(HttpRefusal refusal, String message) {
        return JsonReply.error(refusal.code(), message);
    }
}
