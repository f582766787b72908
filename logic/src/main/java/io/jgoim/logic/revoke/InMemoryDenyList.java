package io.jgoim.logic.revoke;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The standalone deny list: a map of {@code kind:value} to lapse time, forgetting lapsed entries as it reads them.
 * Its version is a new random id per revoke. Thread-safe; every call completes at once.
 */
public final class InMemoryDenyList implements DenyList {
    private final Map<String, Long> until = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile String version = "";

    public InMemoryDenyList(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> revoke(Revocation r) {
        until.merge(r.field(), r.untilMs(), Math::max);
        version = UUID.randomUUID().toString();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Revocation> find(String jti, String kid, String tenant, long memberId) {
        long now = clock.millis();
        Revocation hit = null;
        if (!jti.isEmpty()) {
            hit = live(Revocation.field(Revocation.Kind.JTI, jti), now);
        }
        if (hit == null && !kid.isEmpty()) {
            hit = live(Revocation.field(Revocation.Kind.KID, kid), now);
        }
        if (hit == null) {
            hit = live(Revocation.field(Revocation.Kind.MID, Revocation.memberValue(tenant, memberId)), now);
        }
        return CompletableFuture.completedFuture(hit);
    }

    private Revocation live(String field, long now) {
        Long t = until.get(field);
        if (t == null) {
            return null;
        }
        if (t <= now) {
            until.remove(field, t);
            return null;
        }
        return Revocation.parse(field, t);
    }

    @Override
    public CompletableFuture<String> version() {
        return CompletableFuture.completedFuture(version);
    }

    @Override
    public CompletableFuture<Snapshot> snapshot() {
        String v = version;
        long now = clock.millis();
        List<Revocation> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : until.entrySet()) {
            if (e.getValue() > now) {
                Revocation r = Revocation.parse(e.getKey(), e.getValue());
                if (r != null) {
                    out.add(r);
                }
            } else {
                until.remove(e.getKey(), e.getValue());
            }
        }
        return CompletableFuture.completedFuture(new Snapshot(v, out));
    }
}
