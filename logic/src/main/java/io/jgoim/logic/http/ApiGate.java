package io.jgoim.logic.http;

import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.logic.http.access.AccessResult;
import io.jgoim.logic.http.access.ApiKeyring;
import io.jgoim.protocol.ErrorCode;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The API-key check in front of every route when {@code http.apiKeys} is set: a missing key is answered 401
 * API_KEY_MISSING, an unknown one 401 API_KEY_INVALID (both with {@code WWW-Authenticate: Bearer}), a key without
 * the route's scope 403 FORBIDDEN, a key over its rate 429 RATE_LIMITED with {@code Retry-After}; each outcome is
 * counted per key id. A request to a path that is no route needs a valid key too (then gets its 404). Logs name the
 * key id, never the key, at most a line a second per kind. Shared by the listener's event loops; thread-safe.
 */
final class ApiGate {
    private static final Logger log = LoggerFactory.getLogger(ApiGate.class);
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final ApiKeyring keyring;
    private final ApiMetrics metrics;
    private final RateLimitedLog refusedLog = new RateLimitedLog();
    private final RateLimitedLog limitedLog = new RateLimitedLog();

    ApiGate(ApiKeyring keyring, ApiMetrics metrics) {
        this.keyring = keyring;
        this.metrics = metrics;
    }

    /**
     * Checks the request's key for {@code route} ({@code null}: no route at the path); on the event loop.
     *
     * @return null when the request may go on; else the refusal to send, already timed under the route's tag
     */
    FullHttpResponse refusal(FullHttpRequest request, Route route, Channel channel, long startNanos) {
        return refusal(match(request), route, channel, startNanos);
    }

    /** The key {@code request} presents (a stand-in when none or an unknown one). */
    ApiKeyring.Key match(FullHttpRequest request) {
        return keyring.match(request.headers());
    }

    /** {@link #refusal(FullHttpRequest, Route, Channel, long)} of an already {@link #match matched} key. */
    FullHttpResponse refusal(ApiKeyring.Key key, Route route, Channel channel, long startNanos) {
        String tag = route == null ? Route.OTHER_TAG : route.tag();
        if (key == keyring.missing()) {
            key.count(AccessResult.MISSING);
            logRefused("no API key", tag, channel);
            return unauthorized(ErrorCode.API_KEY_MISSING, "Bearer",
                    "no API key: send Authorization: Bearer <key> (or X-Api-Key: <key>)", tag, startNanos);
        }
        if (key == keyring.unknown()) {
            key.count(AccessResult.INVALID);
            logRefused("an unknown API key", tag, channel);
            return unauthorized(ErrorCode.API_KEY_INVALID, "Bearer error=\"invalid_token\"",
                    "API key not accepted", tag, startNanos);
        }
        if (route != null && !key.allows(route.scope())) {
            key.count(AccessResult.FORBIDDEN);
            long more = refusedLog.acquire();
            if (more >= 0) {
                log.warn("API key {} lacks scope {} for {} (from {}){}", key.id(), route.scope().configName(), tag,
                        channel.remoteAddress(), RateLimitedLog.suppressedNote(more));
            }
            metrics.record(tag, ErrorCode.FORBIDDEN, startNanos);
            return ApiResponse.error(ErrorCode.FORBIDDEN,
                    "API key " + key.id() + " lacks scope " + route.scope().configName());
        }
        long waitNanos = key.tryAcquire();
        if (waitNanos > 0) {
            key.count(AccessResult.LIMITED);
            long more = limitedLog.acquire();
            if (more >= 0) {
                log.warn("API key {} over its rate (http.apiKeys ratePerSecond, burst){}", key.id(),
                        RateLimitedLog.suppressedNote(more));
            }
            metrics.record(tag, ErrorCode.RATE_LIMITED, startNanos);
            long seconds = Math.max(1, (waitNanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
            FullHttpResponse r = ApiResponse.error(ErrorCode.RATE_LIMITED,
                    "API key " + key.id() + " over its rate; retry after " + seconds + "s");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, seconds);
            return r;
        }
        key.count(AccessResult.OK);
        return null;
    }

    private void logRefused(String what, String tag, Channel channel) {
        long more = refusedLog.acquire();
        if (more >= 0) {
            log.warn("push API request with {} from {} to {}{}", what, channel.remoteAddress(), tag,
                    RateLimitedLog.suppressedNote(more));
        }
    }

    private FullHttpResponse unauthorized(ErrorCode code, String challenge, String message, String tag,
                                          long startNanos) {
        metrics.record(tag, code, startNanos);
        FullHttpResponse r = ApiResponse.error(code, message);
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        return r;
    }
}
