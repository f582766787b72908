package io.jgoim.comet.token;

import io.jgoim.protocol.Tenancy;

import java.util.HashMap;
import java.util.Map;

/**
 * The deny list as a comet holds it: revoked jti hashes, kid numbers and member ids, each with the time it lapses
 * (unix ms). Built once per list version logic hands out, then read by the event loops that close matching sessions.
 * A member is one tenant's: logic words a declared tenant's member {@code <tenant><US><mid>}
 * ({@link io.jgoim.protocol.Tenancy}), held apart from the default tenant's members. Immutable, so any thread may
 * read it.
 */
public final class Revocations {
    /** Nothing revoked. */
    public static final Revocations NONE = new Revocations(Map.of(), Map.of(), Map.of(), Map.of());

    private final Map<Long, Long> jtis;
    private final Map<Integer, Long> kids;
    private final Map<Long, Long> members;
    /** Declared tenants' revoked members, by tenant. */
    private final Map<String, Map<Long, Long>> tenantMembers;

    private Revocations(Map<Long, Long> jtis, Map<Integer, Long> kids, Map<Long, Long> members,
                        Map<String, Map<Long, Long>> tenantMembers) {
        this.jtis = jtis;
        this.kids = kids;
        this.members = members;
        this.tenantMembers = tenantMembers;
    }

    /** Collects entries; {@link #build()} makes the immutable list. Not thread-safe. */
    public static final class Builder {
        private final Map<Long, Long> jtis = new HashMap<>();
        private final Map<Integer, Long> kids = new HashMap<>();
        private final Map<Long, Long> members = new HashMap<>();
        private final Map<String, Map<Long, Long>> tenantMembers = new HashMap<>();

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
                        long mid = Long.parseLong(Tenancy.local(value));
                        String tenant = Tenancy.tenantOf(value);
                        (tenant.isEmpty() ? members : tenantMembers.computeIfAbsent(tenant, t -> new HashMap<>()))
                                .merge(mid, untilMs, Math::max);
                        return true;
                    } catch (NumberFormatException e) {
                        return false;
                    }
                default:
                    return false;
            }
        }

        public Revocations build() {
            if (jtis.isEmpty() && kids.isEmpty() && members.isEmpty() && tenantMembers.isEmpty()) {
                return NONE;
            }
            Map<String, Map<Long, Long>> byTenant = new HashMap<>();
            tenantMembers.forEach((t, m) -> byTenant.put(t, Map.copyOf(m)));
            return new Revocations(Map.copyOf(jtis), Map.copyOf(kids), Map.copyOf(members), Map.copyOf(byTenant));
        }
    }

    public boolean isEmpty() {
        return this == NONE;
    }

    /** {@link #matches(String, long, long, int, long)} of a default-tenant member. */
    public boolean matches(long memberId, long jtiHash, int kid, long nowMs) {
        return matches(Tenancy.DEFAULT, memberId, jtiHash, kid, nowMs);
    }

    /**
     * True when an entry in force at {@code nowMs} names {@code tenant}'s member ("" = the default tenant), this jti
     * hash or this kid number (0: none).
     */
    public boolean matches(String tenant, long memberId, long jtiHash, int kid, long nowMs) {
        Map<Long, Long> m = tenant.isEmpty() ? members : tenantMembers.getOrDefault(tenant, Map.of());
        return inForce(m.get(memberId), nowMs)
                || jtiHash != TokenIds.NONE && inForce(jtis.get(jtiHash), nowMs)
                || kid != TokenIds.NONE && inForce(kids.get(kid), nowMs);
    }

    private static boolean inForce(Long untilMs, long nowMs) {
        return untilMs != null && untilMs > nowMs;
    }

    /** Entries held (lapsed ones included). */
    public int size() {
        int n = jtis.size() + kids.size() + members.size();
        for (Map<Long, Long> m : tenantMembers.values()) {
            n += m.size();
        }
        return n;
    }
}
