package io.jgoim.logic.auth;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * goim's token: plain, unsigned JSON {@code {"mid":123,"key":"","room_id":"live://1000","platform":"web",
 * "accepts":[1000,1001]}}. An empty or absent key gets a random UUID, as in goim. Anyone can forge such a token, so
 * it is for compatibility and trusted networks; production uses {@link JwtAuthenticator}. Given an
 * {@link UnsignedTokenWarning}, every token from a non-loopback client is reported to it (rate-limited there).
 * Thread-safe.
 */
public final class GoimTokenAuthenticator implements Authenticator {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private final UnsignedTokenWarning warning;
    /** The field naming the session's tenant ({@code tenants.claim}); absent = the default tenant (goim's tokens). */
    private final String tenantClaim;

    /** Without warnings (tests, benchmarks, in-process callers). */
    public GoimTokenAuthenticator() {
        this(null);
    }

    /** @param warningOrNull told of every token's remote address; null = no warnings */
    public GoimTokenAuthenticator(UnsignedTokenWarning warningOrNull) {
        this(warningOrNull, "tenant");
    }

    /**
     * {@code tenantClaim}: the token field naming a tenant. Unsigned like the rest of the token, so in goim mode a
     * client picks its tenant as it picks its mid: fine for load tests on a trusted network, never for production.
     */
    public GoimTokenAuthenticator(UnsignedTokenWarning warningOrNull, String tenantClaim) {
        this.warning = warningOrNull;
        this.tenantClaim = tenantClaim;
    }

    @Override
    public Identity authenticate(byte[] token, String remoteAddr) {
        if (warning != null) {
            // Before parsing: a refused forgery attempt from the network is as telling as an accepted one.
            warning.onGoimToken(remoteAddr);
        }
        return authenticate(token);
    }

    @Override
    public Identity authenticate(byte[] token) {
        if (token == null || token.length == 0) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "empty token");
        }
        JsonNode root;
        try {
            root = JSON.readTree(token);
        } catch (IOException e) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "token is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "token is not a JSON object");
        }
        JsonNode mid = root.path("mid");
        if (!mid.isMissingNode() && !mid.isNull() && !mid.canConvertToExactIntegral()) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "mid is not an integer");
        }
        if (!mid.isMissingNode() && !mid.isNull() && !mid.canConvertToLong()) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "mid out of range");
        }
        String key = text(root, "key");
        if (key.isEmpty()) {
            key = UUID.randomUUID().toString();
        }
        return new Identity(mid.asLong(0), key, text(root, "room_id"), text(root, "platform"), accepts(root),
                0, "", "", text(root, tenantClaim));
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return "";
        }
        if (!n.isTextual()) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, field + " is not a string");
        }
        return n.asText();
    }

    private static List<Integer> accepts(JsonNode root) {
        JsonNode n = root.path("accepts");
        if (n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "accepts is not an array");
        }
        List<Integer> out = new ArrayList<>(n.size());
        for (JsonNode op : n) {
            if (!op.isInt()) {
                throw new JgoimException(ErrorCode.TOKEN_MALFORMED, "accepts holds a non-integer");
            }
            out.add(op.intValue());
        }
        return out;
    }
}
