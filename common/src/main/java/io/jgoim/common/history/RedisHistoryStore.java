package io.jgoim.common.history;

import io.jgoim.common.redis.RedisClients;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The {@link HistoryStore} in Redis (single node or Cluster): one Lua script call per {@link #append} whatever the
 * number of entries, one per {@link #read} (EVALSHA; a call that meets a Redis without the script is sent once more
 * as EVAL, in call order: see {@link RedisScript}). Each stream has four keys sharing the hash tag {@code {<stream>}}, so a
 * script only touches one slot (the tag is the same for the four keys even when the stream name holds braces: they
 * differ only after the tag's closing brace):
 * <pre>
 *   jgoim:h:{&lt;stream&gt;}:m   hash   epoch (decimal micros), top (last offset assigned)
 *   jgoim:h:{&lt;stream&gt;}:l   list   the last retention.size entries, oldest first; entry i has offset top-LLEN+1+i
 *   jgoim:h:{&lt;stream&gt;}:d   hash   dedupe id → the offset it got
 *   jgoim:h:{&lt;stream&gt;}:q   list   dedupe ids, oldest first, at most retention.size: bounds :d
 * </pre>
 * A list holds the entries rather than a Stream or a sorted set: offsets are contiguous by construction (RPUSH then
 * LTRIM from the head only), so an entry's offset is its index plus {@code top - LLEN + 1} and needs no per-entry
 * id or score; RPUSH/LTRIM/LRANGE are O(1) per entry on a compact listpack encoding. Every append PEXPIREs the four
 * keys to the ttl, so they expire together; a missing meta key (first message, flush, restart empty, failover that
 * lost it, ttl expiry, eviction) makes the script delete the other three and start a new epoch at offset 1.
 *
 * <p>The epoch is Redis {@code TIME} in microseconds, returned as a decimal string (a Lua number is a double). It
 * differs from the stream's previous epoch unless the new one is created within the same microsecond of the
 * server clock as the previous one was (after a flush, which cannot happen in the same microsecond), or a clock
 * stepped back lands exactly on it; the old epoch is gone when a new one is made, so nothing better than the clock
 * is available.
 *
 * <p>A command that times out may still have run in Redis: its entries then hold offsets nobody was told about; a
 * retry with the same dedupe ids gets those offsets back. Failures complete the future with a
 * {@link JgoimException}: TIMEOUT when the command timed out, UNAVAILABLE for every other Redis failure.
 * Thread-safe; calls are pipelined on the shared connection in call order. Does not own the {@link RedisClients};
 * {@link #close()} only refuses further calls.
 */
public final class RedisHistoryStore implements HistoryStore {
    static final String KEY_PREFIX = "jgoim:h:{";

    /**
     * KEYS = m, l, d, q; ARGV = size, ttl ms, n, n entries, n dedupe ids ('' = none, else '+' .. id).
     * Returns {epoch (string), offset of each entry...}.
     */
    static final String APPEND = """
            local size = tonumber(ARGV[1])
            local n = tonumber(ARGV[3])
            local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
            local epoch = meta[1]
            local top = 0
            if epoch then
              top = tonumber(meta[2])
            else
              redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
              local t = redis.call('TIME')
              epoch = t[1] .. string.format('%06d', tonumber(t[2]))
            end
            local reply = {epoch}
            for i = 1, n do
              local id = ARGV[3 + n + i]
              local seen = false
              if id == '' then
                id = false
              else
                id = string.sub(id, 2)
                seen = redis.call('HGET', KEYS[3], id)
              end
              if seen then
                reply[i + 1] = tonumber(seen)
              else
                top = top + 1
                reply[i + 1] = top
                redis.call('RPUSH', KEYS[2], ARGV[3 + i])
                if id then
                  redis.call('HSET', KEYS[3], id, top)
                  local remembered = redis.call('RPUSH', KEYS[4], id)
                  while remembered > size do
                    redis.call('HDEL', KEYS[3], redis.call('LPOP', KEYS[4]))
                    remembered = remembered - 1
                  end
                end
              end
            end
            if size > 0 then
              redis.call('LTRIM', KEYS[2], -size, -1)
            else
              redis.call('DEL', KEYS[2])
            end
            redis.call('HSET', KEYS[1], 'epoch', epoch, 'top', top)
            for k = 1, 4 do
              redis.call('PEXPIRE', KEYS[k], ARGV[2])
            end
            return reply
            """;

    /**
     * KEYS = m, l; ARGV = since, limit, last ('1' or '0'). Returns {epoch (string), top, first, complete (1/0),
     * entries...}; the same arithmetic as {@link MemoryHistoryStore#read}.
     */
    static final String READ = """
            local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
            local since = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            local last = ARGV[3] == '1'
            if not meta[1] then
              return {'0', 0, 1, (since == 0 or last) and 1 or 0}
            end
            local top = tonumber(meta[2])
            local first = top - redis.call('LLEN', KEYS[2]) + 1
            local complete = (last or since + 1 >= first or since >= top) and 1 or 0
            since = math.min(since, top)
            local from
            if last then
              from = math.max(first, top - limit + 1)
            else
              from = math.max(first, since + 1)
            end
            local to = math.min(top, from + limit - 1)
            local reply = {meta[1], top, from, complete}
            if to >= from then
              local items = redis.call('LRANGE', KEYS[2], from - first, to - first)
              for i = 1, #items do
                reply[4 + i] = items[i]
              end
            end
            return reply
            """;

    private final RedisScript append;
    private final RedisScript read;
    private final Timer latency;
    private final Counter errors;
    private volatile boolean closed;

    /**
     * @param clients  the connection (not owned)
     * @param registry where to record latency and errors ({@code jgoim.redis.*}, tag store=history), or null
     */
    public RedisHistoryStore(RedisClients clients, MeterRegistry registry) {
        this.append = new RedisScript(clients.async(), APPEND);
        this.read = new RedisScript(clients.async(), READ);
        if (registry != null) {
            this.latency = Timer.builder("jgoim.redis.latency").description("history store call latency")
                    .tag("store", "history").publishPercentileHistogram().register(registry);
            this.errors = Counter.builder("jgoim.redis.errors").description("history store calls that failed")
                    .tag("store", "history").register(registry);
        } else {
            this.latency = null;
            this.errors = null;
        }
    }

    /** The four keys of {@code stream}: meta, entries, dedupe ids, dedupe order. */
    static String[] keys(String stream) {
        String base = KEY_PREFIX + stream + "}:";
        return new String[] {base + "m", base + "l", base + "d", base + "q"};
    }

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention) {
        JgoimException bad = HistoryArgs.appendError(stream, entries, dedupeIds, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        int n = entries.size();
        Object[] argv = new Object[3 + 2 * n];
        argv[0] = Integer.toString(retention.size());
        argv[1] = Long.toString(retention.ttl().toMillis());
        argv[2] = Integer.toString(n);
        for (int i = 0; i < n; i++) {
            argv[3 + i] = entries.get(i);
            String id = dedupeIds == null ? null : dedupeIds.get(i);
            argv[3 + n + i] = id == null ? "" : "+" + id;
        }
        return call(append, stream, argv, reply -> {
            long[] offsets = new long[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = (Long) reply.get(1 + i);
            }
            return new Appended(epoch(reply.get(0)), offsets);
        });
    }

    @Override
    public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
        JgoimException bad = HistoryArgs.readError(stream, since, limit);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        Object[] argv = {Long.toString(since), Integer.toString(limit), last ? "1" : "0"};
        return call(read, stream, argv, reply -> {
            List<byte[]> out = new ArrayList<>(reply.size() - 4);
            for (int i = 4; i < reply.size(); i++) {
                out.add((byte[]) reply.get(i));
            }
            return new Slice(epoch(reply.get(0)), (Long) reply.get(1), (Long) reply.get(2), out,
                    (Long) reply.get(3) == 1L);
        });
    }

    private static long epoch(Object bulk) {
        return Long.parseLong(new String((byte[]) bulk, StandardCharsets.US_ASCII));
    }

    private <T> CompletableFuture<T> call(RedisScript script, String stream, Object[] argv,
                                          Function<List<Object>, T> parse) {
        if (closed) {
            return HistoryArgs.failed(new JgoimException(ErrorCode.UNAVAILABLE, "history store closed"));
        }
        long start = System.nanoTime();
        CompletableFuture<T> out = new CompletableFuture<>();
        script.run(keys(stream), argv).whenComplete((reply, error) -> {
            if (latency != null) {
                latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            if (error == null) {
                try {
                    out.complete(parse.apply(reply));
                    return;
                } catch (RuntimeException unexpected) {
                    error = new JgoimException(ErrorCode.INTERNAL, "history store: unexpected script reply "
                            + reply.size() + " elements for " + stream, unexpected);
                }
            }
            if (errors != null) {
                errors.increment();
            }
            out.completeExceptionally(toJgoim(error));
        });
        return out;
    }

    /** TIMEOUT for a command that timed out (the store is slow, it may have run), UNAVAILABLE otherwise. */
    static JgoimException toJgoim(Throwable error) {
        Throwable t = Failures.unwrap(error);
        if (t instanceof RedisCommandTimeoutException) {
            return new JgoimException(ErrorCode.TIMEOUT, "redis: " + t.getMessage(), t);
        }
        return RedisClients.toJgoim(t);
    }

    @Override
    public void close() {
        closed = true;
    }
}
