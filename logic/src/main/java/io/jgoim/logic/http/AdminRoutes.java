package io.jgoim.logic.http;

import io.jgoim.logic.revoke.DenyList;
import io.jgoim.logic.revoke.Revocation;
import io.jgoim.logic.tenant.Tenants;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Tenancy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The deny-list routes: revoke one JWT id, one signing key or one member until a time ({@code until}, unix seconds;
 * default now + {@code auth.revokeFor}), and list what is revoked. Connect and Refresh refuse a revoked token at once;
 * comets close the open sessions it names at their next online report. A member is one tenant's: {@code tenant}
 * (a declared name, resolved by {@link Tenants#resolve}: 114 for any other) names whose member {@code mid} is; none
 * or {@code default} is the default tenant's. jti and kid are every tenant's (a token, a signing key), so
 * {@code tenant} beside them is refused. Thread-safe.
 */
final class AdminRoutes {
    private final DenyList denyList;
    private final Duration revokeFor;
    private final Clock clock;
    private final Tenants tenants;

    AdminRoutes(DenyList denyList, Duration revokeFor, Clock clock, Tenants tenants) {
        this.denyList = denyList;
        this.revokeFor = revokeFor;
        this.clock = clock;
        this.tenants = tenants;
    }

    void bindTo(Map<Route, RouteHandler> table) {
        table.put(Route.ADMIN_REVOKE, this::revoke);
        table.put(Route.ADMIN_REVOKED, this::revoked);
    }

    /** {@code {"kind":"jti","value":"...","until":unix seconds}}: exactly one of jti, kid, mid. */
    private CompletableFuture<?> revoke(RouteRequest r) {
        Revocation.Kind kind = null;
        String value = null;
        for (Revocation.Kind k : Revocation.Kind.values()) {
            String v = r.text(k.wire());
            if (v != null) {
                if (kind != null) {
                    throw bad("give exactly one of jti, kid, mid");
                }
                kind = k;
                value = v;
            }
        }
        if (kind == null) {
            throw bad("give exactly one of jti, kid, mid");
        }
        long now = clock.millis();
        long untilMs = now + revokeFor.toMillis();
        String until = r.text("until");
        if (until != null) {
            try {
                untilMs = Math.multiplyExact(Long.parseLong(io.jgoim.common.http.AsciiDecimal.check(until, false)),
                        1000L);
            } catch (NumberFormatException | ArithmeticException e) {
                throw bad("until must be unix seconds, was '" + until + "'");
            }
            if (untilMs <= now) {
                throw bad("until must be in the future");
            }
        }
        String tenantName = r.text("tenant");
        String tenant = tenants.resolve(tenantName); // 114 when undeclared
        if (!tenant.isEmpty() && kind != Revocation.Kind.MID) {
            throw bad("tenant applies to mid only: a jti or kid revocation is every tenant's");
        }
        if (kind == Revocation.Kind.MID) {
            // ASCII digits only (not another script's), and never 0: anonymous sessions have mid 0, and revoking it
            // locked every anonymous client out for the revocation's lifetime (24 h by default)
            long mid;
            try {
                mid = Long.parseLong(io.jgoim.common.http.AsciiDecimal.check(value, true));
            } catch (NumberFormatException e) {
                throw bad("mid must be an integer, was '" + value.replace(Tenancy.SEPARATOR, '?') + "'");
            }
            if (mid == 0) {
                throw bad("mid 0 is no member (anonymous sessions have none)");
            }
        }
        Revocation rev = new Revocation(kind, Tenancy.namespaced(tenant, value), untilMs);
        return denyList.revoke(rev).thenApply(v -> json(rev));
    }

    /** {@code {"version":"...","revoked":[{"kind":..,"value":..,"until":..}, ...]}}. */
    private CompletableFuture<?> revoked(RouteRequest r) {
        return denyList.snapshot().thenApply(s -> {
            List<Map<String, Object>> entries = new ArrayList<>(s.entries().size());
            for (Revocation rev : s.entries()) {
                entries.add(json(rev));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("version", s.version());
            out.put("revoked", entries);
            return out;
        });
    }

    private static Map<String, Object> json(Revocation r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", r.kind().wire());
        out.put("value", Tenancy.local(r.value()));
        if (!r.tenant().isEmpty()) {
            out.put("tenant", r.tenant()); // the default tenant's entries read as before
        }
        out.put("until", r.untilMs() / 1000);
        return out;
    }

    private static JgoimException bad(String message) {
        return new JgoimException(ErrorCode.BAD_PARAMETER, message);
    }
}
