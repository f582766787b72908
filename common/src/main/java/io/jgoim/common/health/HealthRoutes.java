package io.jgoim.common.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The health endpoints, for every node's HTTP listener that serves them:
 * <ul>
 *   <li>{@code /health/live}: 200 while the process works (every live check passed), else 503;</li>
 *   <li>{@code /health/ready}: 200 when the node can do its job ({@link NodeHealth#readiness()}), else 503;</li>
 *   <li>{@code /health}: the readiness answer (as before: 200 serving, 503 draining or not ready) with the
 *   liveness checks too, so its body shows everything the node knows.</li>
 * </ul>
 * Every body is JSON naming the node, each dependency's state, and why the node is not ready. Stateless.
 */
public final class HealthRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HealthRoutes() {
    }

    /** True for the paths answered here. */
    public static boolean handles(String path) {
        return "/health".equals(path) || "/health/live".equals(path) || "/health/ready".equals(path);
    }

    /** The answer for a path {@link #handles} accepts. */
    public static CompletableFuture<FullHttpResponse> respond(String path, NodeHealth health) {
        switch (path) {
            case "/health/ready":
                return CompletableFuture.completedFuture(ready(health.readiness(), null));
            case "/health/live":
                return health.liveness().thenApply(HealthRoutes::live);
            default:
                return health.liveness().thenApply(l -> ready(health.readiness(), l));
        }
    }

    private static FullHttpResponse live(Liveness l) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", l.node());
        body.put("status", l.live() ? "live" : "not_live");
        body.put("checks", l.checks());
        return json(l.live() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private static FullHttpResponse ready(Readiness r, Liveness liveOrNull) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("node", r.node());
        body.put("status", r.ready() ? "ready" : "not_ready");
        body.put("reasons", r.reasons());
        if (liveOrNull != null) {
            body.put("live", liveOrNull.live());
            body.put("checks", liveOrNull.checks());
        }
        body.put("conditions", r.conditions());
        Map<String, Object> deps = new LinkedHashMap<>();
        for (Dependency d : r.dependencies()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("state", d.state().name());
            one.put("critical", d.isCritical());
            one.put("graceMs", d.graceMillis());
            one.put("downForMs", d.downForMillis());
            one.put("reason", d.reason());
            deps.put(d.name(), one);
        }
        body.put("dependencies", deps);
        return json(r.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private static FullHttpResponse json(HttpResponseStatus status, Map<String, Object> body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // maps of strings, numbers and booleans always serialize
        }
        ByteBuf content = Unpooled.wrappedBuffer(bytes, new byte[] {'\n'});
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return r;
    }
}
