package io.jgoim.logic.push;

import io.jgoim.protocol.stream.StreamPosition;

import java.util.Collections;
import java.util.Map;

/**
 * The outcome of a push to members: the sessions it was {@code routed} to, and the position each member's stream gave
 * the message (by member id, in the order of the request), for members whose stream keeps history; empty when none
 * does, so the push API then answers exactly goim's {@code {"routed": n}}. Immutable.
 */
public record MidsPushed(int routed, Map<Long, StreamPosition> positions) {
    public MidsPushed {
        positions = positions.isEmpty() ? Map.of() : Collections.unmodifiableMap(positions);
    }

    /** A push whose members keep no history. */
    public static MidsPushed unpositioned(int routed) {
        return new MidsPushed(routed, Map.of());
    }
}
