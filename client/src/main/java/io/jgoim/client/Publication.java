package io.jgoim.client;

import java.nio.charset.StandardCharsets;

/**
 * One message of a stream with its position, as {@link JgoimClient#recent} returns it: the stream, its epoch, the
 * message's offset, its business op and a copy of its body. Immutable; do not modify the body array.
 */
public record Publication(String stream, long epoch, long offset, int op, byte[] body) {
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
