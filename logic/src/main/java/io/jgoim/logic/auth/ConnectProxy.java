package io.jgoim.logic.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jgoim.logic.backend.BackendHttp;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.logic.ConnectReq;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * The connect proxy ({@code auth.connectProxy}): asks the operator's backend whether a connection may open. It POSTs
 * {@code {"token":"<auth body as text>","remote_addr":"ip:port","transport":"ws","room_id":"<requested>",
 * "server":"comet-1"}} ({@code room_id}: the auth body's own {@code room_id} when it is a JSON object holding one,
 * else ""). The backend answers 200 with {@code {"allow":true,"mid":123,"key":"…","room":"live://1","accepts":[1001],
 * "platform":"web","tenant":"acme"}} ({@code key}, {@code room}, {@code accepts}, {@code platform}, {@code tenant}
 * optional) or {@code {"allow":false,"reason":"…"}} (or status 401/403).
 *
 * <p>Outcomes: allow → a {@link ConnectVerdict}; refuse → fails with CONNECT_REFUSED (116; comet closes with
 * AUTH_FAILED 4501, terminal); no answer in time, backend down, another status, or a malformed decision → fails
 * with TIMEOUT / UNAVAILABLE (retryable: comet closes with LOGIC_UNAVAILABLE 4004 and the client backs off and
 * retries). Thread-safe; owns its HTTP client.
 */
public final class ConnectProxy implements AutoCloseable {
    /** What a tenant name may be: 1-64 letters, digits, dot, underscore or dash. */
    public static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REASON = 100; // a WebSocket close reason holds 123 bytes

    private final BackendHttp http;
    private final URI url;

    public ConnectProxy(ConnectProxyConfig config) {
        this.http = new BackendHttp("connect", config.backend());
        this.url = URI.create(config.url());
    }

    public CompletableFuture<ConnectVerdict> authorize(ConnectReq request) {
        byte[] token = request.getToken().toByteArray();
        ObjectNode q = JSON.createObjectNode();
        q.put("token", new String(token, StandardCharsets.UTF_8));
        q.put("remote_addr", request.getRemoteAddr());
        q.put("transport", request.getTransport());
        q.put("room_id", requestedRoom(token));
        q.put("server", request.getServer());
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(q);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.INTERNAL, e.getMessage()));
        }
        return http.post(url, body).handle((reply, error) -> {
            if (error != null) {
                Throwable t = Failures.unwrap(error);
                ErrorCode code = Failures.code(t, ErrorCode.UNAVAILABLE);
                // An oversized decision is the backend's fault, like any other malformed one: retry later.
                throw new JgoimException(code.isRetryable() ? code : ErrorCode.UNAVAILABLE,
                        "connect proxy: " + t.getMessage());
            }
            if (reply.status() == 401 || reply.status() == 403) {
                throw refused(reasonOf(reply.body(), "backend answered HTTP " + reply.status()));
            }
            if (!reply.isSuccess()) {
                throw new JgoimException(ErrorCode.UNAVAILABLE, "connect proxy: backend answered HTTP "
                        + reply.status());
            }
            return decide(reply.body());
        });
    }

    private static ConnectVerdict decide(byte[] body) {
        JsonNode d;
        try {
            d = JSON.readTree(body);
        } catch (IOException e) {
            d = null;
        }
        if (d == null || !d.isObject() || !d.path("allow").isBoolean()) {
            throw malformed("not a JSON object with a boolean allow");
        }
        if (!d.get("allow").booleanValue()) {
            throw refused(d.path("reason").isTextual() ? d.get("reason").textValue() : "refused by the backend");
        }
        JsonNode mid = d.get("mid");
        if (mid == null || !mid.isIntegralNumber() || !mid.canConvertToLong() || mid.longValue() < 0) {
            throw malformed("mid must be an integer >= 0");
        }
        String key = text(d, "key", 128);
        String room = text(d, "room", 256);
        int sep = room.indexOf("://");
        if (!room.isEmpty() && (sep <= 0 || sep + 3 >= room.length())) {
            throw malformed("room must be type://id or empty, was '" + room + "'");
        }
        List<Integer> accepts = new ArrayList<>();
        JsonNode a = d.get("accepts");
        if (a != null && !a.isNull()) {
            if (!a.isArray()) {
                throw malformed("accepts must be an array of ops");
            }
            for (JsonNode op : a) {
                if (!op.isInt()) {
                    throw malformed("accepts must be an array of ops");
                }
                accepts.add(op.intValue());
            }
        }
        String tenant = text(d, "tenant", 64);
        if (!tenant.isEmpty() && !TENANT.matcher(tenant).matches()) {
            throw malformed("tenant must be 1-64 of A-Z a-z 0-9 . _ -, was '" + tenant + "'");
        }
        Identity id = new Identity(mid.longValue(), key.isEmpty() ? UUID.randomUUID().toString() : key, room,
                text(d, "platform", 32), accepts);
        return new ConnectVerdict(id, tenant);
    }

    private static String text(JsonNode d, String field, int max) {
        JsonNode v = d.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual() || v.textValue().length() > max) {
            throw malformed(field + " must be a string of at most " + max + " characters");
        }
        return v.textValue();
    }

    /** The room the client asked for: its auth body's room_id when that body is a JSON object holding one. */
    private static String requestedRoom(byte[] token) {
        if (token.length == 0 || token[0] != '{') {
            return "";
        }
        try {
            JsonNode t = JSON.readTree(token);
            return t != null && t.path("room_id").isTextual() ? t.get("room_id").textValue() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String reasonOf(byte[] body, String fallback) {
        try {
            JsonNode d = JSON.readTree(body);
            if (d != null && d.path("reason").isTextual()) {
                return d.get("reason").textValue();
            }
        } catch (IOException e) {
            // not JSON: the status says enough
        }
        return fallback;
    }

    private static JgoimException refused(String reason) {
        String r = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        return new JgoimException(ErrorCode.CONNECT_REFUSED, r.isEmpty() ? "refused by the backend" : r);
    }

    private static JgoimException malformed(String what) {
        return new JgoimException(ErrorCode.UNAVAILABLE, "connect proxy: malformed decision: " + what);
    }

    @Override
    public void close() {
        http.close();
    }
}
