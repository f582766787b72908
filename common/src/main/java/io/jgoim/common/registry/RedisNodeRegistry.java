package io.jgoim.common.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.common.redis.RedisClients;
import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A node registry in Redis (single node or Cluster) — comets', or logic nodes' with role {@link #LOGIC}:
 * <pre>
 *   node_{&lt;id&gt;}    string  the NodeInfo as JSON           TTL given at register()
 *   {jgoim}nodes   zset    node id, score = expiry (ms)   the index (no SCAN on Cluster)
 * </pre>
 * An entry is live while its string exists and its index score is in the future; expired index members are pruned
 * on read. Asynchronous and pipelined; failures complete with an UNAVAILABLE
 * {@link io.jgoim.protocol.JgoimException}. Thread-safe. Does not own the {@link RedisClients}.
 */
public final class RedisNodeRegistry implements NodeRegistry {
    private static final Logger log = LoggerFactory.getLogger(RedisNodeRegistry.class);
    static final String INDEX = "{jgoim}nodes";
    /** The registry of logic nodes (comets balance their calls over them): its own index and entry keys. */
    public static final String LOGIC = "logic";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final RedisClusterAsyncCommands<String, String> redis;
    private final Clock clock;
    private final String index;
    private final String entryPrefix;

    /** The comet registry. */
    public RedisNodeRegistry(RedisClients clients) {
        this(clients, Clock.systemUTC());
    }

    public RedisNodeRegistry(RedisClients clients, Clock clock) {
        this(clients, clock, null);
    }

    /**
     * The registry of one role: {@code null} for comets (keys {@code {jgoim}nodes}, {@code node_{id}}, as ever),
     * {@link #LOGIC} for logic nodes ({@code {jgoim}logic-nodes}, {@code logic_{id}}).
     */
    public RedisNodeRegistry(RedisClients clients, Clock clock, String role) {
        this.redis = clients.async();
        this.clock = clock;
        this.index = role == null ? INDEX : "{jgoim}" + role + "-nodes";
        this.entryPrefix = role == null ? "node_{" : role + "_{";
    }

    private String entryKey(String id) {
        return entryPrefix + id + "}";
    }

    @Override
    public CompletableFuture<Void> register(NodeInfo node, Duration ttl) {
        String json;
        try {
            json = JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<String> set = redis.set(entryKey(node.id()), json, SetArgs.Builder.px(ttl.toMillis()))
                .toCompletableFuture();
        CompletableFuture<Long> indexed = redis.zadd(index, (double) (clock.millis() + ttl.toMillis()), node.id())
                .toCompletableFuture();
        return translate(CompletableFuture.allOf(set, indexed));
    }

    @Override
    public CompletableFuture<Void> deregister(String nodeId) {
        CompletableFuture<Long> del = redis.del(entryKey(nodeId)).toCompletableFuture();
        CompletableFuture<Long> indexed = redis.zrem(index, nodeId).toCompletableFuture();
        return translate(CompletableFuture.allOf(del, indexed));
    }

    @Override
    public CompletableFuture<List<NodeInfo>> nodes() {
        long now = clock.millis();
        return translate(redis.zrangebyscore(index, Range.create((double) now, Double.POSITIVE_INFINITY))
                .toCompletableFuture()
                .thenCompose(ids -> {
                    redis.zremrangebyscore(index, Range.create(Double.NEGATIVE_INFINITY, (double) now));
                    List<CompletableFuture<String>> gets = new ArrayList<>(ids.size());
                    for (String id : ids) {
                        gets.add(redis.get(entryKey(id)).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(gets.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
                        List<NodeInfo> out = new ArrayList<>(gets.size());
                        for (CompletableFuture<String> g : gets) {
                            String json = g.join();
                            if (json == null) {
                                continue; // expired between the index read and the get
                            }
                            try {
                                out.add(JSON.readValue(json, NodeInfo.class));
                            } catch (JsonProcessingException e) {
                                log.warn("ignoring unreadable node registry entry: {}", e.getOriginalMessage());
                            }
                        }
                        return out;
                    });
                }));
    }

    private static <T> CompletableFuture<T> translate(CompletionStage<T> stage) {
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            if (e != null) {
                out.completeExceptionally(RedisClients.toJgoim(e));
            } else {
                out.complete(v);
            }
        });
        return out;
    }
}
