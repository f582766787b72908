package io.jgoim.logic.revoke;

import io.jgoim.common.redis.RedisClients;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster deny list: one Redis hash, {@value #KEY}, fields {@code jti:<id>}, {@code kid:<kid>} and
 * {@code mid:<mid>} holding each entry's lapse time (unix ms), and field {@value #VERSION} its version. The hash
 * expires at its latest entry's time, so a list nobody adds to vanishes by itself; lapsed fields are skipped on read
 * (and dropped at the next revoke). One key, so it lives in one Redis Cluster slot. Thread-safe; calls never block.
 */
public final class RedisDenyList implements DenyList {
    static final String KEY = "{jgoim}revoked";
    static final String VERSION = "version";

    /**
     * KEYS[1] = the hash; ARGV = field, until ms, new version, now ms. Keeps the later time, sets the version, drops
     * lapsed fields and moves the hash's expiry to the latest time.
     */
    private static final String REVOKE = "local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') "
            + "local untilMs = tonumber(ARGV[2]) local now = tonumber(ARGV[4]) "
            + "if untilMs > old then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end "
            + "redis.call('HSET', KEYS[1], 'version', ARGV[3]) "
            + "local latest = untilMs local all = redis.call('HGETALL', KEYS[1]) "
            + "for i = 1, #all, 2 do if all[i] ~= 'version' then local t = tonumber(all[i + 1]) or 0 "
            + "if t <= now then redis.call('HDEL', KEYS[1], all[i]) elseif t > latest then latest = t end end end "
            + "redis.call('PEXPIREAT', KEYS[1], latest) return 1";

    private final RedisClusterAsyncCommands<String, String> redis;
    private final Clock clock;

    public RedisDenyList(RedisClients clients, Clock clock) {
        this.redis = clients.async();
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> revoke(Revocation r) {
        return redis.<Long>eval(REVOKE, ScriptOutputType.INTEGER, new String[] {KEY}, r.field(),
                        Long.toString(r.untilMs()), UUID.randomUUID().toString(), Long.toString(clock.millis()))
                .toCompletableFuture().handle((v, e) -> {
                    if (e != null) {
                        throw RedisClients.toJgoim(e);
                    }
                    return (Void) null;
                });
    }

    @Override
    public CompletableFuture<Revocation> find(String jti, String kid, String tenant, long memberId) {
        List<String> fields = new ArrayList<>(3);
        if (!jti.isEmpty()) {
            fields.add(Revocation.field(Revocation.Kind.JTI, jti));
        }
        if (!kid.isEmpty()) {
            fields.add(Revocation.field(Revocation.Kind.KID, kid));
        }
        fields.add(Revocation.field(Revocation.Kind.MID, Revocation.memberValue(tenant, memberId)));
        return redis.hmget(KEY, fields.toArray(new String[0])).toCompletableFuture().handle((values, e) -> {
            if (e != null) {
                throw RedisClients.toJgoim(e);
            }
            long now = clock.millis();
            for (KeyValue<String, String> kv : values) {
                if (kv.hasValue()) {
                    long until = parse(kv.getValue());
                    if (until > now) {
                        return Revocation.parse(kv.getKey(), until);
                    }
                }
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<String> version() {
        return redis.hget(KEY, VERSION).toCompletableFuture().handle((v, e) -> {
            if (e != null) {
                throw RedisClients.toJgoim(e);
            }
            return v == null ? "" : v;
        });
    }

    @Override
    public CompletableFuture<Snapshot> snapshot() {
        return redis.hgetall(KEY).toCompletableFuture().handle((all, e) -> {
            if (e != null) {
                throw RedisClients.toJgoim(e);
            }
            long now = clock.millis();
            List<Revocation> out = new ArrayList<>();
            for (Map.Entry<String, String> f : all.entrySet()) {
                if (!VERSION.equals(f.getKey())) {
                    long until = parse(f.getValue());
                    Revocation r = until > now ? Revocation.parse(f.getKey(), until) : null;
                    if (r != null) {
                        out.add(r);
                    }
                }
            }
            String v = all.get(VERSION);
            return new Snapshot(v == null ? "" : v, out);
        });
    }

    private static long parse(String ms) {
        try {
            return Long.parseLong(ms);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
