package io.jgoim.common.history;

import io.jgoim.common.config.Checks;
import io.jgoim.protocol.stream.StreamPosition;

import java.util.Map;

/**
 * Which streams keep history and how much: {@code rooms} by room type (the part of a goim room id before
 * {@code ://}; the type {@value #ANY_TYPE} stands for every type not listed), {@code members} for every member's
 * personal stream, {@code broadcast} for the one stream of broadcasts ({@link StreamPosition#BROADCAST}). A stream
 * without an enabled {@link Retention} keeps no history and its pushes carry no position. Immutable.
 */
public record HistoryConfig(Map<String, Retention> rooms, Retention members, Retention broadcast) {
    public static final String ANY_TYPE = "*";

    public HistoryConfig {
        Checks.notNull(rooms, "history.rooms");
        Checks.notNull(members, "history.members");
        Checks.notNull(broadcast, "history.broadcast");
        rooms = Map.copyOf(rooms);
    }

    /** Rooms and members as given; broadcasts keep no history. */
    public HistoryConfig(Map<String, Retention> rooms, Retention members) {
        this(rooms, members, Retention.OFF);
    }

    /** No history for any stream. */
    public static HistoryConfig off() {
        return new HistoryConfig(Map.of(), Retention.OFF, Retention.OFF);
    }

    /**
     * The retention of {@code stream} (a room id, a member stream or the broadcast stream), {@link Retention#OFF}
     * when it keeps none.
     */
    public Retention retention(String stream) {
        if (StreamPosition.isMemberStream(stream)) {
            return members;
        }
        if (StreamPosition.isBroadcastStream(stream)) {
            return broadcast;
        }
        // A declared tenant's room (<tenant><US>type://id) keeps its type's retention.
        int from = stream.indexOf(io.jgoim.protocol.Tenancy.SEPARATOR) + 1;
        int sep = stream.indexOf("://", from);
        Retention r = sep > from ? rooms.get(stream.substring(from, sep)) : null;
        if (r == null) {
            r = rooms.get(ANY_TYPE);
        }
        return r == null ? Retention.OFF : r;
    }

    /** True when any stream keeps history. */
    public boolean anyEnabled() {
        if (members.enabled() || broadcast.enabled()) {
            return true;
        }
        for (Retention r : rooms.values()) {
            if (r.enabled()) {
                return true;
            }
        }
        return false;
    }
}
