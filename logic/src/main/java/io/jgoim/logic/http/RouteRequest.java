package io.jgoim.logic.http;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * One request to a {@link Route}, its parameters already read in the route's declared order (so a handler never
 * sees a bad one). Lives only while the route's handler is called, on the event loop: the request is released
 * after that, so {@link #body()} copies.
 */
final class RouteRequest {
    private final Route route;
    private final Object[] values;
    private final FullHttpRequest request;
    private final Channel channel;

    private RouteRequest(Route route, Object[] values, FullHttpRequest request, Channel channel) {
        this.route = route;
        this.values = values;
        this.request = request;
        this.channel = channel;
    }

    /** Reads every parameter of {@code route}; throws BAD_PARAMETER for the first that does not read. */
    static RouteRequest read(Route route, Map<String, List<String>> query, FullHttpRequest request,
                             Channel channel) {
        List<Param> params = route.params();
        Object[] values = new Object[params.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = params.get(i).read(query);
        }
        return new RouteRequest(route, values, request, channel);
    }

    Route route() {
        return route;
    }

    int integer(String name) {
        return (Integer) value(name);
    }

    long longValue(String name) {
        return (Long) value(name);
    }

    boolean bool(String name) {
        return (Boolean) value(name);
    }

    /** A TEXT (possibly null) or REQUIRED_TEXT parameter. */
    String text(String name) {
        return (String) value(name);
    }

    @SuppressWarnings("unchecked")
    List<String> strings(String name) {
        return (List<String>) value(name);
    }

    @SuppressWarnings("unchecked")
    List<Long> longs(String name) {
        return (List<Long>) value(name);
    }

    /** A copy of the request body (it becomes the pushed message and outlives the request). */
    ByteString body() {
        return ByteString.copyFrom(request.content().nioBuffer());
    }

    /** The request's headers (valid only during the handler's call). */
    io.netty.handler.codec.http.HttpHeaders headers() {
        return request.headers();
    }

    /** The client's address: the first {@code X-Forwarded-For} hop if any, else the connection's peer. */
    String clientIp() {
        String forwarded = request.headers().get("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            int comma = forwarded.indexOf(',');
            return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
        }
        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        return remote == null ? "" : remote.getAddress().getHostAddress();
    }

    private Object value(String name) {
        List<Param> params = route.params();
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(name)) {
                return values[i];
            }
        }
        // A handler asking for a parameter its route does not declare: a bug, answered 500 and logged.
        throw new IllegalStateException(route + " declares no parameter " + name);
    }
}
