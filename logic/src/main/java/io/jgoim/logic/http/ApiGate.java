package io.jgoim.logic.http;

import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.common.http.access.ApiKeyCheck;
import io.jgoim.common.http.access.ApiKeyring;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * The API-key check in front of every route when {@code http.apiKeys} is set ({@link ApiKeyCheck}, shared with the
 * admin ports of comet and job): a missing key is answered 401
 * API_KEY_MISSING, an unknown one 401 API_KEY_INVALID (both with {@code WWW-Authenticate: Bearer}), a key without
 * the route's scope 403 FORBIDDEN, a key over its rate 429 RATE_LIMITED with {@code Retry-After}; each outcome is
 * counted per key id. A request to a path that is no route needs a valid key too (then gets its 404). Logs name the
 * key id, never the key, at most a line a second per kind. Shared by the listener's event loops; thread-safe.
 */
final class ApiGate {
    private static final Logger log = LoggerFactory.getLogger(ApiGate.class);

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
        ApiKeyCheck.Outcome o = ApiKeyCheck.check(keyring, key, route == null ? null : route.scope());
        switch (o.result()) {
            case OK:
                return null;
            case MISSING:
                logRefused("no API key", tag, channel);
                return unauthorized(o, tag, startNanos);
            case INVALID:
                logRefused("an unknown API key", tag, channel);
                return unauthorized(o, tag, startNanos);
            case FORBIDDEN: {
                long more = refusedLog.acquire();
                if (more >= 0) {
                    log.warn("API key {} lacks scope {} for {} (from {}){}", o.key().id(),
                            route.scope().configName(), tag, channel.remoteAddress(),
                            RateLimitedLog.suppressedNote(more));
                }
                metrics.record(tag, o.code(), startNanos);
                return ApiResponse.error(o.code(), o.message());
            }
            default: {
                long more = limitedLog.acquire();
                if (more >= 0) {
                    log.warn("API key {} over its rate (http.apiKeys ratePerSecond, burst){}", o.key().id(),
                            RateLimitedLog.suppressedNote(more));
                }
                metrics.record(tag, o.code(), startNanos);
                FullHttpResponse r = ApiResponse.error(o.code(), o.message());
                r.headers().set(HttpHeaderNames.RETRY_AFTER, o.retryAfterSeconds());
                return r;
            }
        }
    }

    private void logRefused(String what, String tag, Channel channel) {
        long more = refusedLog.acquire();
        if (more >= 0) {
            log.warn("push API request with {} from {} to {}{}", what, channel.remoteAddress(), tag,
                    RateLimitedLog.suppressedNote(more));
        }
    }

    private FullHttpResponse unauthorized(ApiKeyCheck.Outcome o, String tag, long startNanos) {
        metrics.record(tag, o.code(), startNanos);
        FullHttpResponse r = ApiResponse.error(o.code(), o.message());
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, o.challenge());
        return r;
    }
}
