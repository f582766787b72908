package io.jgoim.comet.token;

import java.util.HashMap;
import java.util.Map;

/**
 * The deny list as a comet holds it: revoked jti hashes, kid numbers and member ids, each with the time it lapses
 * (unix ms). Built once per list version logic hands out, then read by the event loops that close matching sessions.
 * Immutable, so any thread may read it.
 */
public final class Revocations {
    /** Nothing revoked. */
    public static final Revocations NONE = new Revocations(Map.of(), Map.of(), Map.of());

    private final Map<Long, Long> jtis;
    private final Map<Integer, Long> kids;
    private final Map<Long, Long> members;

    private Revocations(Map<Long, Long> jtis, Map<Integer, Long> kids, Map<Long, Long> members) {
        this.jtis = jtis;
        this.kids = kids;
        this.members = members;
    }

    /** Collects entries; {@link #build()} makes the immutable list. Not thread-safe. */
    public static final class Builder {
        private final Map<Long, Long> jtis = new HashMap<>();
        private final Map<Integer, Long> kids = new HashMap<>();
        private final Map<Long, Long> members = new HashMap<>();

        /**
         * Adds one entry as logic words it: {@code kind} jti, kid or mid, its value, and its lapse time. Returns
         * false, adding nothing, for a kind or value this comet does not know (a newer logic's).
         */
        public boolean add(String kind, String value, long untilMs) {
            switch (kind) {
                case "jti":
                    jtis.merge(TokenIds.jtiHash(value), untilMs, Math::max);
                    return true;
                case "kid":
                    int k = TokenIds.kid(value);
                    if (k != TokenIds.NONE) {
                        kids.merge(k, untilMs, Math::max);
                    }
                    return true;
                case "mid":
                    try {
                        members.merge(Long.parseLong(value), untilMs, Math::max);
                        return true;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                default:
                    return false;
            }
        }

        public Revocations build() {
            return jtis.isEmpty() && kids.isEmpty() && members.isEmpty() ? NONE
                    : new Revocations(Map.copyOf(jtis), Map.copyOf(kids), Map.copyOf(members));
        }
    }

    public boolean isEmpty() {
        return this == NONE;
    }

    /** True when an entry in force at {@code nowMs} names this member, jti hash or kid number (0: none). */
    public boolean matches(long memberId, long jtiHash, int kid, long nowMs) {
        return inForce(members.get(memberId), nowMs)
                || jtiHash != TokenIds.NONE && inForce(jtis.get(jtiHash), nowMs)
                || kid != TokenIds.NONE && inForce(kids.get(kid), nowMs);
    }

    private static boolean inForce(Long untilMs, long nowMs) {
        return untilMs != null && untilMs > nowMs;
    }

    /** Entries held (lapsed ones included). */
    public int size() {
        return jtis.size() + kids.size() + members.size();
    }
}
