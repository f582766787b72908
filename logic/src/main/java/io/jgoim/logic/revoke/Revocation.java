package io.jgoim.logic.revoke;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Tenancy;

import java.util.Locale;

/**
 * One deny-list entry: tokens whose {@code jti} is {@code value}, tokens signed with key {@code value}, or every token
 * of member {@code value}, are refused until {@code untilMs} (unix ms). A member is one tenant's: a declared
 * tenant's member is {@code <tenant><US><mid>} (the namespace of {@link Tenancy}), the default tenant's the bare
 * decimal, so revoking member 5 of one tenant leaves member 5 of every other tenant alone. A jti (one token) and a
 * kid (a signing key, which signs tokens of whichever tenants use it) are not a tenant's and apply to every tenant.
 * Immutable.
 *
 * @param kind    what {@code value} names
 * @param value   the jti, the kid, or the member id in decimal (namespaced for a declared tenant's member)
 * @param untilMs when the entry lapses (unix ms)
 */
public record Revocation(Kind kind, String value, long untilMs) {
    /** What a revocation names; {@link #wire()} is its name on the wire, in Redis and in the HTTP API. */
    public enum Kind {
        JTI, KID, MID;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind named {@code wire}, or null. */
        public static Kind of(String wire) {
            for (Kind k : values()) {
                if (k.wire().equals(wire)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** Longest jti or kid accepted (a deny list is small and read whole by every comet). */
    public static final int MAX_VALUE_LENGTH = 256;

    public Revocation {
        if (kind == null || value == null || value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
            throw new JgoimException(ErrorCode.BAD_PARAMETER, "a revocation needs a kind and a value of 1.."
                    + MAX_VALUE_LENGTH + " characters");
        }
        if (kind == Kind.MID) {
            String local = Tenancy.local(value);
            try {
                value = Tenancy.namespaced(Tenancy.tenantOf(value), Long.toString(Long.parseLong(local)));
            } catch (NumberFormatException e) {
                throw new JgoimException(ErrorCode.BAD_PARAMETER, "mid must be an integer, was '" + local + "'");
            }
        }
    }

    /** Every token of {@code tenant}'s member {@code mid} ("" = the default tenant), refused until {@code untilMs}. */
    public static Revocation member(String tenant, long mid, long untilMs) {
        return new Revocation(Kind.MID, memberValue(tenant, mid), untilMs);
    }

    /** The value naming {@code tenant}'s member {@code mid}: the decimal, in the tenant's namespace. */
    public static String memberValue(String tenant, long mid) {
        return Tenancy.namespaced(tenant, Long.toString(mid));
    }

    /** The tenant this entry is for: a declared tenant's member's tenant, else "" (jti and kid: every tenant). */
    public String tenant() {
        return kind == Kind.MID ? Tenancy.tenantOf(value) : Tenancy.DEFAULT;
    }

    /** The entry's field in the deny list's hash: {@code kind:value}. */
    public String field() {
        return field(kind, value);
    }

    static String field(Kind kind, String value) {
        return kind.wire() + ':' + value;
    }

    /** The entry stored under {@code field} ({@code kind:value}) until {@code untilMs}, or null when it is not one. */
    static Revocation parse(String field, long untilMs) {
        int colon = field.indexOf(':');
        Kind k = colon < 0 ? null : Kind.of(field.substring(0, colon));
        if (k == null) {
            return null;
        }
        try {
            return new Revocation(k, field.substring(colon + 1), untilMs);
        } catch (JgoimException e) {
            return null;
        }
    }
}
