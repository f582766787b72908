package io.jgoim.logic.http;

import io.jgoim.common.http.HttpService;
import io.jgoim.common.metrics.MetricsHttpServer;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Logic's HTTP API as an {@link HttpService}: {@code /metrics} and {@code /health} as comet and job serve them, every
 * other path through the {@link Routes}, whose result or refusal becomes the API's JSON reply ({@link ApiResponse})
 * and a {@code jgoim.logic.api.requests} timing. A failure that is not a {@link JgoimException} is a bug: answered
 * INTERNAL and logged. Shared by every connection of the listener; thread-safe.
 */
final class ApiService implements HttpService {
    private static final Logger log = LoggerFactory.getLogger(ApiService.class);

    private final Routes routes;
    private final ApiMetrics metrics;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier healthy;

    ApiService(Routes routes, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
        this.routes = routes;
        this.metrics = new ApiMetrics(registry);
        this.registry = registry;
        this.healthy = healthy;
    }

    @Override
    public CompletableFuture<FullHttpResponse> serve(FullHttpRequest request, Channel channel) {
        long start = System.nanoTime();
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if ("/metrics".equals(path) || "/health".equals(path)) {
            return CompletableFuture.completedFuture(MetricsHttpServer.respond(registry, healthy, request));
        }
        Route route = Route.of(path);
        HttpMethod method = request.method();
        CompletableFuture<?> result;
        try {
            result = routes.dispatch(route, path, method, uri.parameters(), request, channel);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        String tag = route == null ? Route.OTHER_TAG : route.tag();
        return result.handle((data, error) -> reply(data, error, tag, method, path, start));
    }

    @Override
    public FullHttpResponse malformed(FullHttpRequest request) {
        metrics.record(Route.OTHER_TAG, ErrorCode.BAD_PARAMETER, System.nanoTime());
        return ApiResponse.error(ErrorCode.BAD_PARAMETER,
                "malformed HTTP request: " + request.decoderResult().cause().getMessage());
    }

    /** The route's outcome as the API's JSON reply, timed under the route's tag; on the completing thread. */
    private FullHttpResponse reply(Object data, Throwable error, String tag, HttpMethod method, String path,
                                   long startNanos) {
        ErrorCode code = ErrorCode.OK;
        FullHttpResponse r;
        if (error == null) {
            r = ApiResponse.ok(data);
        } else {
            Throwable t = Failures.unwrap(error);
            if (t instanceof JgoimException) {
                code = ((JgoimException) t).code();
                r = ApiResponse.error(code, t.getMessage());
            } else {
                code = ErrorCode.INTERNAL;
                log.error("API bug on {} {}", method, path, t);
                r = ApiResponse.error(code, "internal error");
            }
        }
        metrics.record(tag, code, startNanos);
        return r;
    }
}
