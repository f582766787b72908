package io.jgoim.client;

import java.nio.charset.StandardCharsets;

/**
 * The server's reply to a request the client sent (change room, watch, upstream message): its op, the request's seq
 * and a copy of its body. Immutable; the body array is owned by the reply, do not modify it.
 */
public record Reply(int op, int seq, byte[] body) {
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
