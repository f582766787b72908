package io.jgoim.common.session;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static io.jgoim.common.session.RedisSessionDirectory.keyKey;
import static io.jgoim.common.session.RedisSessionDirectory.keyMidKey;
import static io.jgoim.common.session.RedisSessionScripts.REFRESH_KEY;
import static io.jgoim.common.session.RedisSessionScripts.REFRESH_MID;
import static io.jgoim.common.session.RedisSessionScripts.REMOVE_KEY;
import static io.jgoim.common.session.RedisSessionScripts.REMOVE_MID;

/**
 * The Redis commands of one session-route write of {@link RedisSessionDirectory} (add, refresh, remove), and how many
 * each issues, so that {@link SessionWriteQueue} can keep them within its window. Issues them when called, pipelined
 * on the shared connection; the queue decides when. Thread-safe (stateless but for the connection).
 */
final class RedisRouteWrites {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final long ttlMs;
    private final String ttlMillis;
    private final SetArgs keySetArgs;

    RedisRouteWrites(RedisClusterAsyncCommands<String, String> redis, Duration sessionTtl) {
        this.redis = redis;
        this.ttlMs = sessionTtl.toMillis();
        this.ttlMillis = Long.toString(ttlMs);
        this.keySetArgs = SetArgs.Builder.px(ttlMs);
    }

    static int addCommands(long mid) {
        return mid != 0 ? 4 : 2;
    }

    static int refreshCommands(long mid) {
        return mid != 0 ? 2 : 1;
    }

    static int removeCommands(long mid) {
        return mid != 0 ? 2 : 1;
    }

    CompletableFuture<Void> add(long mid, String hash, String key, String server) {
        CompletableFuture<String> set = redis.set(keyKey(key), server, keySetArgs).toCompletableFuture();
        if (mid == 0) {
            // the key may have been a member's session before
            return CompletableFuture.allOf(set, redis.del(keyMidKey(key)).toCompletableFuture());
        }
        CompletableFuture<String> member = redis.set(keyMidKey(key), mid + " " + server, keySetArgs)
                .toCompletableFuture();
        CompletableFuture<Boolean> hset = redis.hset(hash, key, server).toCompletableFuture();
        CompletableFuture<Boolean> expire = redis.pexpire(hash, ttlMs).toCompletableFuture();
        return CompletableFuture.allOf(set, member, hset, expire);
    }

    CompletableFuture<Boolean> refresh(long mid, String hash, String key, String server) {
        CompletableFuture<Long> byKey = redis.<Long>eval(REFRESH_KEY, ScriptOutputType.INTEGER,
                new String[] {keyKey(key), keyMidKey(key)}, server, ttlMillis, mid == 0 ? "" : mid + " " + server)
                .toCompletableFuture();
        if (mid == 0) {
            return byKey.thenApply(k -> k == 1L);
        }
        CompletableFuture<Long> byMid = redis.<Long>eval(REFRESH_MID, ScriptOutputType.INTEGER,
                new String[] {hash}, key, server, ttlMillis).toCompletableFuture();
        return byKey.thenCombine(byMid, (k, m) -> k == 1L);
    }

    CompletableFuture<Boolean> remove(long mid, String hash, String key, String server) {
        CompletableFuture<Long> byKey = redis.<Long>eval(REMOVE_KEY, ScriptOutputType.INTEGER,
                new String[] {keyKey(key), keyMidKey(key)}, server).toCompletableFuture();
        if (mid == 0) {
            return byKey.thenApply(k -> k > 0);
        }
        CompletableFuture<Long> byMid = redis.<Long>eval(REMOVE_MID, ScriptOutputType.INTEGER,
                new String[] {hash}, key, server).toCompletableFuture();
        return byKey.thenCombine(byMid, (k, m) -> k > 0 || m > 0);
    }
}
