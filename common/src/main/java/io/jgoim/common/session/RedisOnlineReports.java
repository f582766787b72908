package io.jgoim.common.session;

import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.jgoim.common.session.RedisCallMeter.allOf;
import static io.jgoim.common.session.RedisSessionScripts.EPOCH;
import static io.jgoim.common.session.RedisSessionScripts.PUT_ONLINE;

/**
 * The comets' online reports and the store's epoch in Redis ({@code ol_{server}} hashes listed in
 * {@code {jgoim}online_servers}, and {@code {jgoim}store_epoch}; the schema is on {@link RedisSessionDirectory}).
 * Apart from the session routes because they are per comet, not per session: no tenant, no write queue. Thread-safe;
 * shares the directory's connection and meters, owns neither.
 */
final class RedisOnlineReports {
    static final String ONLINE_SERVERS = "{jgoim}online_servers";
    static final String STORE_EPOCH = "{jgoim}store_epoch";

    private final RedisClusterAsyncCommands<String, String> redis;
    private final Clock clock;
    private final RedisCallMeter meter;

    RedisOnlineReports(RedisClusterAsyncCommands<String, String> redis, Clock clock, RedisCallMeter meter) {
        this.redis = redis;
        this.clock = clock;
        this.meter = meter;
    }

    static String onlineKey(String server) {
        return "ol_{" + server + "}";
    }

    /** See {@link SessionDirectory#putOnline}. */
    CompletableFuture<Void> putOnline(String server, Map<String, Integer> roomCounts, Duration ttl) {
        long start = System.nanoTime();
        String[] args = new String[1 + roomCounts.size() * 2];
        args[0] = Long.toString(ttl.toMillis());
        int i = 1;
        for (Map.Entry<String, Integer> e : roomCounts.entrySet()) {
            args[i++] = e.getKey();
            args[i++] = Integer.toString(e.getValue());
        }
        CompletableFuture<Long> put = redis.<Long>eval(PUT_ONLINE, ScriptOutputType.INTEGER,
                new String[] {onlineKey(server)}, args).toCompletableFuture();
        CompletableFuture<Long> listed = redis.zadd(ONLINE_SERVERS, (double) (clock.millis() + ttl.toMillis()),
                server).toCompletableFuture();
        return meter.observe(CompletableFuture.allOf(put, listed), start);
    }

    /** See {@link SessionDirectory#storeEpoch}. */
    CompletableFuture<String> storeEpoch() {
        long start = System.nanoTime();
        CompletableFuture<String> epoch = redis.<String>eval(EPOCH, ScriptOutputType.VALUE, new String[] {STORE_EPOCH},
                UUID.randomUUID().toString()).toCompletableFuture();
        return meter.observe(epoch, start);
    }

    /** See {@link SessionDirectory#onlines}. */
    CompletableFuture<Map<String, Map<String, Integer>>> onlines() {
        long start = System.nanoTime();
        long now = clock.millis();
        CompletableFuture<Map<String, Map<String, Integer>>> result = redis
                .zrangebyscore(ONLINE_SERVERS, Range.create((double) now, Double.POSITIVE_INFINITY))
                .toCompletableFuture()
                .thenCompose(servers -> {
                    // Forget comets that stopped reporting; their ol_ hashes expire on their own.
                    redis.zremrangebyscore(ONLINE_SERVERS, Range.create(Double.NEGATIVE_INFINITY, (double) now));
                    List<CompletableFuture<Map<String, String>>> gets = new ArrayList<>(servers.size());
                    for (String s : servers) {
                        gets.add(redis.hgetall(onlineKey(s)).toCompletableFuture());
                    }
                    return allOf(gets, done -> {
                        Map<String, Map<String, Integer>> out = new HashMap<>();
                        for (int i = 0; i < servers.size(); i++) {
                            Map<String, Integer> counts = new HashMap<>();
                            done.get(i).join().forEach((room, n) -> counts.put(room, Integer.parseInt(n)));
                            out.put(servers.get(i), counts);
                        }
                        return out;
                    });
                });
        return meter.observe(result, start);
    }
}
