package io.jgoim.logic.http;

import io.jgoim.common.http.QueryDecoding;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.http.HttpRefusal;
import io.jgoim.common.http.HttpService;
import io.jgoim.common.http.PercentEscapes;
import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.common.logging.ClientText;
import io.jgoim.common.metrics.MetricsHttpServer;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.common.http.access.ApiKeyring;
import io.jgoim.common.http.access.ApiScope;
import io.jgoim.logic.TenantsConfig;
import io.jgoim.logic.tenant.Tenants;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.opentelemetry.api.trace.Span;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * Logic's HTTP API as an {@link HttpService}: {@code /metrics} and {@code /health}, {@code /health/live},
 * {@code /health/ready} as comet and job serve them (no API key needed), the demo page under {@code /demo/} when
 * enabled ({@link DemoPages}, no key either), every other path through the {@link ApiGate} when {@code http.apiKeys} is set, then the
 * {@link Routes}, whose result or refusal becomes the API's JSON reply ({@link ApiResponse}) and a
 * {@code jgoim.logic.api.requests} timing. A request target with a malformed percent-escape (or one that is
 * not UTF-8) is refused BAD_PARAMETER before anything decodes it; the listener's own refusals (timeouts, versions,
 * limits) get their codes here too. A failure that is not a {@link JgoimException} is a bug: answered INTERNAL and
 * logged with its stack. Both logs are bounded to a line a second. Shared by every connection of the listener;
 * thread-safe.
 */
final class ApiService implements HttpService {
    private static final Logger log = LoggerFactory.getLogger(ApiService.class);

    private final Routes routes;
    private final ApiMetrics metrics;
    /** Null when no API key is configured: the API is open (allowed on loopback, or with http.allowOpen). */
    private final ApiGate gate;
    private final PrometheusMeterRegistry registry;
    private final NodeHealth health;
    /** Null when the demo page is off ({@code http.demo.enabled}). */
    private final DemoPages demo;
    /** Null when tracing is off. */
    private final PushSpans spans;
    private final RateLimitedLog clientErrorLog = new RateLimitedLog();
    private final RateLimitedLog bugLog = new RateLimitedLog();
    private final PushShedding shedding;

    /** The declared tenants; a push or read route runs for the tenant its request names (X-Jgoim-Tenant). */
    private final Tenants tenants;

    /** {@code keyring} null: no API key configured, the API is open. Push requests are traced when enabled. */
    ApiService(Routes routes, ApiKeyring keyring, PrometheusMeterRegistry registry, NodeHealth health,
               Tracing tracing, PushShedding shedding, DemoPages demo, Tenants tenants) {
        this.tenants = tenants == null ? Tenants.single(registry) : tenants;
        this.shedding = shedding;
        this.demo = demo;
        this.spans = tracing.enabled() ? new PushSpans(tracing) : null;
        this.routes = routes;
        this.metrics = new ApiMetrics(registry);
        this.gate = keyring == null ? null : new ApiGate(keyring, metrics);
        this.registry = registry;
        this.health = health;
    }

    @Override
    public CompletableFuture<FullHttpResponse> serve(FullHttpRequest request, Channel channel) {
        long start = System.nanoTime();
        String problem = PercentEscapes.problem(request.uri());
        if (problem != null) {
            return CompletableFuture.completedFuture(malformedTarget(request.uri(), problem, channel, start));
        }
        if (HttpMethod.OPTIONS.equals(request.method()) && "*".equals(request.uri())) {
            // RFC 9110 9.3.7: the server in general (as Go's net/http, under goim, answers it: 200, no body)
            metrics.record(Route.OTHER_TAG, ErrorCode.OK, start);
            return CompletableFuture.completedFuture(serverOptions());
        }
        QueryStringDecoder uri = QueryDecoding.of(request.uri());
        String path = uri.path();
        // Exempt from API keys: Prometheus and probes send none (a separate admin listener is still to come).
        if (MetricsHttpServer.handles(path)) {
            return MetricsHttpServer.respond(registry, health, request);
        }
        // The demo page is public static content (no key: a browser holds none); checked on the raw target.
        if (demo != null && DemoPages.handles(path)) {
            DemoPages.Served page = demo.respond(request.method(), request.uri());
            metrics.record(DemoPages.TAG, page.code(), start);
            return CompletableFuture.completedFuture(page.response());
        }
        Route route = Route.of(path);
        ApiKeyring.Key key = null;
        if (gate != null) {
            key = gate.match(request);
            FullHttpResponse refused = gate.refusal(key, route, channel, start);
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
        }
        HttpMethod method = request.method();
        String tag = route == null ? Route.OTHER_TAG : route.tag();
        String tenant = io.jgoim.protocol.Tenancy.DEFAULT;
        if (route != null && route.scope() != ApiScope.ADMIN) {
            try {
                tenant = tenants.forPush(request.headers().get(TenantsConfig.HEADER),
                        key == null ? null : key.tenants());
            } catch (JgoimException e) {
                return CompletableFuture.completedFuture(reply(null, e, e.code(), tag, method, path, start));
            }
            if (route.scope() == ApiScope.PUSH) {
                tenants.pushed(tenant);
            }
        }
        if (PushShedding.sheds(route) && route.accepts(method)) {
            // Adaptive shedding before the route parses anything; the pass ends when the reply is ready.
            long admitted = shedding.tryAcquire();
            if (admitted == PushShedding.REJECTED) {
                metrics.record(tag, ErrorCode.OVERLOADED, start);
                if (shedding.defers() && channel != null) {
                    PushTurns.refused(channel.eventLoop()); // the admitted pushes' next turn is owed as much
                }
                return CompletableFuture.completedFuture(shedding.refusal());
            }
            if (shedding.defers()) {
                // Decided now; the work after every request this loop round read is decided (refusals first).
                return DeferredPush.queue(this, shedding, admitted, tenant, route, path, method, uri, request,
                        channel, tag, start);
            }
            return shedding.releaseWhenDone(admitted, serveRoute(tenant, route, path, method, uri, request, channel,
                    tag, start));
        }
        return serveRoute(tenant, route, path, method, uri, request, channel, tag, start);
    }

    /** The route's work and its reply; on the event loop ({@link DeferredPush} calls it from a task). */
    CompletableFuture<FullHttpResponse> serveRoute(String tenant, Route route, String path, HttpMethod method,
                                                   QueryStringDecoder uri, FullHttpRequest request, Channel channel,
                                                   String tag, long start) {
        if (spans != null && PushSpans.traces(route) && method.equals(HttpMethod.POST)) {
            return serveTraced(tenant, route, path, method, uri, request, channel, tag, start);
        }
        CompletableFuture<?> result = dispatch(tenant, route, path, method, uri, request, channel);
        return result.handle((data, error) -> reply(data, error, codeOf(error), tag, method, path, start));
    }

    /**
     * A push under its API span: the span and the tenant current in one context (one scope opened and closed per
     * push), the span ended with the reply's code. Out of line so the untraced path stays small for the JIT.
     */
    private CompletableFuture<FullHttpResponse> serveTraced(String tenant, Route route, String path,
                                                            HttpMethod method, QueryStringDecoder uri,
                                                            FullHttpRequest request, Channel channel, String tag,
                                                            long start) {
        Span span = spans.start(route, request);
        CompletableFuture<?> result;
        try (Scope s = Tenants.with(Context.current().with(span), tenant).makeCurrent()) {
            result = dispatch(route, path, method, uri, request, channel);
        }
        return result.handle((data, error) -> {
            ErrorCode code = codeOf(error);
            return PushSpans.finish(span, code, reply(data, error, code, tag, method, path, start));
        });
    }

    /** Dispatches with {@code tenant} current ({@link Tenants#current()}), when it is not the default one. */
    private CompletableFuture<?> dispatch(String tenant, Route route, String path, HttpMethod method,
                                          QueryStringDecoder uri, FullHttpRequest request, Channel channel) {
        if (tenant.isEmpty()) {
            return dispatch(route, path, method, uri, request, channel);
        }
        try (Scope s = Tenants.open(tenant)) {
            return dispatch(route, path, method, uri, request, channel);
        }
    }

    private CompletableFuture<?> dispatch(Route route, String path, HttpMethod method, QueryStringDecoder uri,
                                          FullHttpRequest request, Channel channel) {
        try {
            return routes.dispatch(route, path, method, uri.parameters(), request, channel);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public FullHttpResponse malformed(FullHttpRequest request) {
        metrics.record(Route.OTHER_TAG, ErrorCode.BAD_PARAMETER, System.nanoTime());
        return ApiResponse.error(ErrorCode.BAD_PARAMETER,
                "malformed HTTP request: " + request.decoderResult().cause().getMessage());
    }

    @Override
    public FullHttpResponse refuse(HttpRefusal refusal, String message) {
        ErrorCode code = refusal.code();
        metrics.record(Route.OTHER_TAG, code, System.nanoTime());
        return ApiResponse.error(code, message);
    }

    /** BAD_PARAMETER for a target whose escapes do not decode, tagged by its route if its raw path names one. */
    private FullHttpResponse malformedTarget(String target, String problem, Channel channel, long startNanos) {
        String message = "malformed request target: " + problem;
        long more = clientErrorLog.acquire();
        if (more >= 0) {
            log.warn("HTTP client error from {}: {}{}", channel.remoteAddress(), ClientText.of(message),
                    RateLimitedLog.suppressedNote(more));
        }
        int end = target.indexOf('?');
        Route route = Route.of(end < 0 ? target : target.substring(0, end));
        metrics.record(route == null ? Route.OTHER_TAG : route.tag(), ErrorCode.BAD_PARAMETER, startNanos);
        return ApiResponse.error(ErrorCode.BAD_PARAMETER, message);
    }

    /** The reply to {@code OPTIONS *}: 200, the methods some route takes, no body. */
    private static FullHttpResponse serverOptions() {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, POST");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return r;
    }

    /** The API code of a route's outcome: OK, the refusal's own code, or INTERNAL for anything else (a bug). */
    private static ErrorCode codeOf(Throwable error) {
        if (error == null) {
            return ErrorCode.OK;
        }
        Throwable t = Failures.unwrap(error);
        return t instanceof JgoimException ? ((JgoimException) t).code() : ErrorCode.INTERNAL;
    }

    /**
     * The route's outcome ({@code code} = {@link #codeOf} of {@code error}) as the API's JSON reply, timed under the
     * route's tag; on the completing thread.
     */
    private FullHttpResponse reply(Object data, Throwable error, ErrorCode code, String tag, HttpMethod method,
                                   String path, long startNanos) {
        FullHttpResponse r;
        if (error == null) {
            r = ApiResponse.ok(data);
        } else {
            Throwable t = Failures.unwrap(error);
            if (t instanceof JgoimException) {
                r = ApiResponse.error(code, t.getMessage());
                Route route;
                if (code == ErrorCode.METHOD_NOT_ALLOWED && (route = Route.of(path)) != null) {
                    r.headers().set(HttpHeaderNames.ALLOW, route.allow());
                }
            } else {
                long more = bugLog.acquire();
                if (more >= 0) {
                    log.error("API bug on {} {}{}", method, path, RateLimitedLog.suppressedNote(more), t);
                }
                r = ApiResponse.error(code, "internal error");
            }
        }
        metrics.record(tag, code, startNanos);
        return r;
    }
}
