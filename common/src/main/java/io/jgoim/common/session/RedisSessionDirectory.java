package io.jgoim.common.session;

import io.jgoim.common.redis.RedisClients;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.jgoim.common.session.RedisCallMeter.allOf;
import static io.jgoim.common.session.RedisSessionScripts.REMOVE_MID;

/**
 * The session directory in Redis (single node or Cluster), goim's schema with hash tags so that every atomic step
 * touches one slot:
 * <pre>
 *   mid_{&lt;mid&gt;}            hash   session key → comet server        TTL sessionTtl, renewed by heartbeats
 *   key_{&lt;key&gt;}            string comet server                       TTL sessionTtl, renewed by heartbeats
 *   keymid_{&lt;key&gt;}         string "mid server" of a member's session TTL sessionTtl, renewed with key_
 *   ol_{&lt;server&gt;}          hash   room id → sessions on that comet    TTL given by RenewOnline
 *   {jgoim}online_servers  zset   server, score = expiry (epoch ms)  lists the ol_ hashes (no SCAN on Cluster)
 *   {jgoim}store_epoch     string a random id, set once                  gone = the store lost its data
 * </pre>
 * {@code keymid_} (jgoim 0.4) records each member session's mid beside goim's {@code key_} route, in the same slot,
 * so a key push can find the key's member stream with one MGET per key (what {@code serversByKeys} already costs
 * as a GET). It is a separate key so that goim's {@code key_} value stays what older nodes read during a rolling
 * upgrade; a {@code keymid_} whose server is not the {@code key_} route's (the key was routed again by an older
 * node) counts as no member, and an older node's route has none: its key is pushed without a position. A
 * disconnect removes {@code key_} but leaves {@code keymid_} to its ttl: a key push to a device that is away (a
 * reconnect, a drain) is still kept in its member's stream, for its resume.
 * Conditional steps (refresh, remove) are Lua scripts ({@link RedisSessionScripts}) on a single key, so they are
 * atomic without WATCH: a session
 * is removed only while its key still routes to the server asking. Every call is asynchronous and pipelined on the
 * shared connection; a failure completes the future with an UNAVAILABLE {@link io.jgoim.protocol.JgoimException}.
 * Route writes (add, refresh, remove; {@link RedisRouteWrites}) go through a {@link SessionWriteQueue} that keeps at
 * most a window of their commands on the connection, so a disconnect or reconnect storm waits instead of
 * overflowing lettuce's request queue. The online reports and store epoch are {@link RedisOnlineReports}'s; every
 * call is timed and its failure mapped by one {@link RedisCallMeter}.
 * Thread-safe. Does not own the {@link RedisClients}.
 */
public final class RedisSessionDirectory implements SessionDirectory {
    /**
     * Session-write commands on the connection at most, by default: a twentieth of lettuce's default 10,000 bound,
     * enough to keep the pipeline full on a LAN, small enough that a stalled machine answers a window within the
     * command timeout.
     */
    public static final int DEFAULT_WRITE_WINDOW = 512;
    /** Session writes waiting at most, by default: a disconnect storm of 15,000 sessions four times over. */
    public static final int DEFAULT_WRITE_QUEUE = 65536;

    private final RedisClusterAsyncCommands<String, String> redis;
    private final Duration sessionTtl;
    private final RedisRouteWrites routes;
    private final SessionWriteQueue writes;
    private final RedisCallMeter meter;
    private final RedisOnlineReports online;
    /** "" for the default tenant (goim's mid_{mid}); {@code <tenant><US>} for a tenant view (mid_{t<US>mid}). */
    private final String midPrefix;
    private final java.util.Map<String, RedisSessionDirectory> tenants;
    /** The default tenant's directory (this one, or the one this view was made from). */
    private final RedisSessionDirectory root;

    /**
     * @param clients    the connection (not owned)
     * @param sessionTtl how long a route lives without a heartbeat
     * @param registry   where to record Redis latency and errors ({@code jgoim.redis.*}), or null
     */
    public RedisSessionDirectory(RedisClients clients, Duration sessionTtl, MeterRegistry registry) {
        this(clients, sessionTtl, registry, Clock.systemUTC());
    }

    public RedisSessionDirectory(RedisClients clients, Duration sessionTtl, MeterRegistry registry, Clock clock) {
        this(clients, sessionTtl, DEFAULT_WRITE_WINDOW, DEFAULT_WRITE_QUEUE, registry, clock);
    }

    /**
     * @param writeWindow Redis commands of session writes (add, refresh, remove) on the connection at most; keep it
     *                    well below the connection's request queue bound, which the other calls share
     * @param writeQueue  session writes waiting for room at most; beyond it a write fails with UNAVAILABLE
     */
    public RedisSessionDirectory(RedisClients clients, Duration sessionTtl, int writeWindow, int writeQueue,
                                 MeterRegistry registry, Clock clock) {
        this.redis = clients.async();
        this.sessionTtl = sessionTtl;
        this.routes = new RedisRouteWrites(redis, sessionTtl);
        this.writes = new SessionWriteQueue(writeWindow, writeQueue, registry);
        this.meter = new RedisCallMeter(registry);
        this.online = new RedisOnlineReports(redis, clock, meter);
        this.midPrefix = "";
        this.tenants = new java.util.concurrent.ConcurrentHashMap<>();
        this.root = this;
    }

    /** A tenant's view of {@code base}: the same connection and meters, its own member hashes. */
    private RedisSessionDirectory(RedisSessionDirectory base, String tenant) {
        this.redis = base.redis;
        this.sessionTtl = base.sessionTtl;
        this.routes = base.routes;
        this.writes = base.writes;
        this.meter = base.meter;
        this.online = base.online;
        this.midPrefix = io.jgoim.protocol.Tenancy.namespaced(tenant, "");
        this.tenants = base.tenants;
        this.root = base.root;
    }

    @Override
    public SessionDirectory forTenant(String tenant) {
        return tenant.isEmpty() ? root : tenants.computeIfAbsent(tenant, t -> new RedisSessionDirectory(root, t));
    }

    /** The member hash of {@code mid} in this view's tenant. */
    private String midKeyOf(long mid) {
        return midPrefix.isEmpty() ? midKey(mid) : "mid_{" + midPrefix + mid + "}";
    }

    static String midKey(long mid) {
        return "mid_{" + mid + "}";
    }

    static String keyKey(String key) {
        return "key_{" + key + "}";
    }

    static String keyMidKey(String key) {
        return "keymid_{" + key + "}";
    }

    @Override
    public CompletableFuture<Void> addSession(long mid, String key, String server) {
        return addSession(mid, key, server, 0);
    }

    @Override
    public CompletableFuture<Void> addSession(long mid, String key, String server, long deadlineNanos) {
        long start = System.nanoTime();
        return meter.observe(writes.submit(RedisRouteWrites.addCommands(mid), deadlineNanos,
                () -> routes.add(mid, midKeyOf(mid), key, server)), start);
    }

    @Override
    public CompletableFuture<Boolean> refreshSession(long mid, String key, String server) {
        long start = System.nanoTime();
        return meter.observe(writes.submit(RedisRouteWrites.refreshCommands(mid), 0,
                () -> routes.refresh(mid, midKeyOf(mid), key, server)), start);
    }

    @Override
    public CompletableFuture<Boolean> removeSession(long mid, String key, String server) {
        long start = System.nanoTime();
        return meter.observe(writes.submit(RedisRouteWrites.removeCommands(mid), 0,
                () -> routes.remove(mid, midKeyOf(mid), key, server)), start);
    }

    @Override
    public CompletableFuture<Map<String, String>> serversByKeys(Collection<String> keys) {
        long start = System.nanoTime();
        List<String> ordered = new ArrayList<>(keys);
        List<CompletableFuture<String>> gets = new ArrayList<>(ordered.size());
        for (String k : ordered) {
            gets.add(redis.get(keyKey(k)).toCompletableFuture());
        }
        CompletableFuture<Map<String, String>> result = allOf(gets, done -> {
            Map<String, String> out = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                String server = done.get(i).join();
                if (server != null) {
                    out.put(ordered.get(i), server);
                }
            }
            return out;
        });
        return meter.observe(result, start);
    }

    @Override
    public CompletableFuture<Map<String, KeyRoute>> routesByKeys(Collection<String> keys) {
        long start = System.nanoTime();
        List<String> ordered = new ArrayList<>(keys);
        List<CompletableFuture<List<KeyValue<String, String>>>> gets = new ArrayList<>(ordered.size());
        for (String k : ordered) {
            gets.add(redis.mget(keyKey(k), keyMidKey(k)).toCompletableFuture());
        }
        CompletableFuture<Map<String, KeyRoute>> result = allOf(gets, done -> {
            Map<String, KeyRoute> out = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                List<KeyValue<String, String>> kv = done.get(i).join();
                String server = kv.get(0).getValueOrElse(null);
                String member = kv.get(1).getValueOrElse(null);
                if (server != null) {
                    out.put(ordered.get(i), new KeyRoute(server, memberOf(member, server)));
                } else if (member != null && memberOf(member, null) != 0) {
                    // away: its last session ended within the ttl
                    out.put(ordered.get(i), new KeyRoute(null, memberOf(member, null)));
                }
            }
            return out;
        });
        return meter.observe(result, start);
    }

    /** The mid of a {@code keymid_} value "mid server" when it names {@code server} (null: any), else 0. */
    static long memberOf(String value, String server) {
        if (value == null) {
            return 0;
        }
        int sp = value.indexOf(' ');
        if (sp <= 0 || (server != null && (!value.regionMatches(sp + 1, server, 0, server.length())
                || value.length() != sp + 1 + server.length()))) {
            return 0;
        }
        try {
            return Long.parseLong(value, 0, sp, 10);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A member's hash expires as a whole and is renewed by any of its sessions, so a field can outlive its session
     * (a comet that died without Disconnect). Each field is therefore checked against its {@code key_} route: only
     * sessions whose key still routes to the same server are returned, and fields whose key route is gone are
     * deleted (conditionally, by the same script as Disconnect).
     */
    @Override
    public CompletableFuture<Map<String, String>> keysByMids(Collection<Long> mids) {
        long start = System.nanoTime();
        List<Long> ordered = new ArrayList<>(mids);
        List<CompletableFuture<Map<String, String>>> hashes = new ArrayList<>(ordered.size());
        for (Long mid : ordered) {
            hashes.add(redis.hgetall(midKeyOf(mid)).toCompletableFuture());
        }
        CompletableFuture<Map<String, String>> result = allOf(hashes, done -> done).thenCompose(done -> {
            List<Long> owners = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<String> servers = new ArrayList<>();
            List<CompletableFuture<String>> routes = new ArrayList<>();
            for (int i = 0; i < done.size(); i++) {
                for (Map.Entry<String, String> e : done.get(i).join().entrySet()) {
                    owners.add(ordered.get(i));
                    keys.add(e.getKey());
                    servers.add(e.getValue());
                    routes.add(redis.get(keyKey(e.getKey())).toCompletableFuture());
                }
            }
            return allOf(routes, checked -> {
                Map<String, String> out = new HashMap<>();
                for (int i = 0; i < checked.size(); i++) {
                    String route = checked.get(i).join();
                    if (servers.get(i).equals(route)) {
                        out.put(keys.get(i), route);
                    } else if (route == null) {
                        redis.eval(REMOVE_MID, ScriptOutputType.INTEGER, new String[] {midKeyOf(owners.get(i))},
                                keys.get(i), servers.get(i));
                    }
                }
                return out;
            });
        });
        return meter.observe(result, start);
    }

    @Override
    public CompletableFuture<Void> putOnline(String server, Map<String, Integer> roomCounts, Duration ttl) {
        return online.putOnline(server, roomCounts, ttl);
    }

    @Override
    public CompletableFuture<String> storeEpoch() {
        return online.storeEpoch();
    }

    @Override
    public CompletableFuture<Map<String, Map<String, Integer>>> onlines() {
        return online.onlines();
    }

    @Override
    public Duration sessionTtl() {
        return sessionTtl;
    }
}
