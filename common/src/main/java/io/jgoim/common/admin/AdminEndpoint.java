package io.jgoim.common.admin;

import io.jgoim.common.http.QueryDecoding;
import io.jgoim.common.http.JsonReply;
import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.common.http.access.ApiKeyCheck;
import io.jgoim.common.http.access.ApiKeyring;
import io.jgoim.common.http.access.ApiScope;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Serves a node's {@link AdminRoutes} under {@value #PREFIX}: every request needs an API key with scope
 * {@code admin} ({@link ApiKeyCheck}: 401 API_KEY_MISSING / API_KEY_INVALID, 403 FORBIDDEN, 429 RATE_LIMITED, as
 * logic's push API answers); with no key configured every admin request is refused FORBIDDEN saying how to configure
 * one, so the routes are never open by default. Then the route (NOT_FOUND, METHOD_NOT_ALLOWED), the action, one
 * audit line with its outcome ({@link AdminAudit}), and the {@code {code,message,data}} reply. Refusals before any
 * action are logged at most a line a second. Thread-safe; shared by the listener's connections.
 */
public final class AdminEndpoint {
    /** The admin routes' path prefix on comet's and job's admin ports. */
    public static final String PREFIX = "/admin/";
    private static final Logger log = LoggerFactory.getLogger(AdminEndpoint.class);

    private final AdminRoutes routes;
    private final ApiKeyring keyringOrNull;
    private final String keysSetting;
    private final RateLimitedLog refusedLog = new RateLimitedLog();
    private final RateLimitedLog bugLog = new RateLimitedLog();

    /**
     * @param keyringOrNull the admin keys, null when none is configured (every admin request refused)
     * @param keysSetting   the config key that holds them, for the refusal's message ({@code admin.apiKeys})
     */
    public AdminEndpoint(AdminRoutes routes, ApiKeyring keyringOrNull, String keysSetting) {
        this.routes = routes;
        this.keyringOrNull = keyringOrNull;
        this.keysSetting = keysSetting;
    }

    /** True for the paths this endpoint answers. */
    public static boolean handles(String path) {
        return path.startsWith(PREFIX);
    }

    /** Answers one admin request; on the event loop, completes wherever the action completes. */
    public CompletableFuture<FullHttpResponse> serve(FullHttpRequest request, Channel channel) {
        String ip = clientIp(channel);
        if (keyringOrNull == null) {
            logRefused("no " + keysSetting + " configured", ip);
            return done(JsonReply.error(ErrorCode.FORBIDDEN, "admin routes are off: no API key is configured;"
                    + " add one with scope admin to " + keysSetting + " (docs/operations.md, Admin API)"));
        }
        ApiKeyCheck.Outcome o = ApiKeyCheck.check(keyringOrNull, request.headers(), ApiScope.ADMIN);
        if (!o.ok()) {
            logRefused(o.message(), ip);
            FullHttpResponse r = JsonReply.error(o.code(), o.message());
            if (o.challenge() != null) {
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, o.challenge());
            }
            if (o.retryAfterSeconds() > 0) {
                r.headers().set(HttpHeaderNames.RETRY_AFTER, o.retryAfterSeconds());
            }
            return done(r);
        }
        QueryStringDecoder uri;
        try {
            uri = QueryDecoding.of(request.uri());
            uri.parameters();
        } catch (IllegalArgumentException e) {
            return done(JsonReply.error(ErrorCode.BAD_PARAMETER, "malformed request target: " + e.getMessage()));
        }
        Map<HttpMethod, AdminRoutes.Route> methods = routes.at(uri.path());
        if (methods == null) {
            return done(JsonReply.error(ErrorCode.NOT_FOUND, "no admin route " + uri.path()));
        }
        AdminRoutes.Route route = methods.get(request.method());
        if (route == null && HttpMethod.HEAD.equals(request.method())) {
            // a GET route answers HEAD too (RFC 9110 9.3.2); the codec drops the body
            return serve(methods.get(HttpMethod.GET), methods, uri, o, ip);
        }
        return serve(route, methods, uri, o, ip);
    }

    /** Runs {@code route} (null: none for the request's method, 405 naming the path's methods in Allow). */
    private CompletableFuture<FullHttpResponse> serve(AdminRoutes.Route route,
                                                      Map<HttpMethod, AdminRoutes.Route> methods,
                                                      QueryStringDecoder uri, ApiKeyCheck.Outcome o, String ip) {
        if (route == null) {
            String allow = allow(methods.keySet());
            FullHttpResponse r = JsonReply.error(ErrorCode.METHOD_NOT_ALLOWED, "use " + allow);
            r.headers().set(HttpHeaderNames.ALLOW, allow); // RFC 9110 15.5.6: a 405 names what the target takes
            return done(r);
        }
        String by = "API key " + o.key().id() + " from " + ip;
        Map<String, List<String>> query = uri.parameters();
        String target = AdminAudit.target(route.targetParams(), p -> {
            List<String> v = query.get(p);
            return v == null || v.isEmpty() ? null : v.get(0);
        });
        CompletableFuture<?> result;
        try {
            result = route.handler().run(new AdminCall(uri.parameters(), by));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((data, error) -> reply(route, target, by, data, error));
    }

    private FullHttpResponse reply(AdminRoutes.Route route, String target, String by, Object data, Throwable error) {
        if (route.audited()) {
            AdminAudit.record(route.action(), target, by, data, error);
        }
        if (error == null) {
            return JsonReply.ok(data);
        }
        Throwable t = Failures.unwrap(error);
        ErrorCode code;
        String message;
        if (t instanceof JgoimException) {
            code = ((JgoimException) t).code();
            message = t.getMessage();
        } else {
            code = ErrorCode.INTERNAL;
            message = "internal error";
            long more = bugLog.acquire();
            if (more >= 0) {
                log.error("admin route bug on {} {}{}", route.method(), route.path(),
                        RateLimitedLog.suppressedNote(more), t);
            }
        }
        return JsonReply.error(code, message);
    }

    private void logRefused(String why, String ip) {
        long more = refusedLog.acquire();
        if (more >= 0) {
            log.warn("admin request from {} refused: {}{}", ip, why, RateLimitedLog.suppressedNote(more));
        }
    }

    private static String clientIp(Channel channel) {
        Object a = channel.remoteAddress();
        return a instanceof InetSocketAddress s && s.getAddress() != null ? s.getAddress().getHostAddress()
                : String.valueOf(a);
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /** The {@code Allow} value of a path with these methods: each, and HEAD beside a GET. */
    static String allow(Set<HttpMethod> methods) {
        StringBuilder b = new StringBuilder();
        for (HttpMethod m : methods) {
            b.append(b.length() == 0 ? "" : ", ").append(m.name());
            if (HttpMethod.GET.equals(m) && !methods.contains(HttpMethod.HEAD)) {
                b.append(", HEAD");
            }
        }
        return b.toString();
    }
}
