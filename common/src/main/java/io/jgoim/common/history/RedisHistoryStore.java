package io.jgoim.common.history;

import io.jgoim.common.metrics.RedisStoreMeters;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.micrometer.core.instrument.MeterRegistry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The {@link HistoryStore} in Redis (single node or Cluster): one Lua script call per {@link #append} whatever the
 * number of entries, one per {@link #read} (EVALSHA; a call that meets a Redis without the script is sent once more
 * as EVAL, in call order: see {@link RedisScript}). Each stream has seven keys sharing the hash tag {@code {<stream>}}, so a
 * script only touches one slot (the tag is the same for the six keys even when the stream name holds braces: they
 * differ only after the tag's closing brace):
 * <pre>
 *   jgoim:h:{&lt;stream&gt;}:m   hash   epoch (decimal micros), top (last offset assigned)
 *   jgoim:h:{&lt;stream&gt;}:l   list   the last retention.size entries, oldest first; entry i has offset top-LLEN+1+i
 *   jgoim:h:{&lt;stream&gt;}:d   hash   dedupe id → the offset it got
 *   jgoim:h:{&lt;stream&gt;}:q   list   dedupe ids, oldest first, at most retention.size: bounds :d
 *   jgoim:h:{&lt;stream&gt;}:p   list   live pins (must-deliver entries), oldest first: "offset pinnedAtMillis"
 *   jgoim:h:{&lt;stream&gt;}:v   hash   device key → "seenAtMillis ackedEpoch ackedOffset"; expires ttl after a touch
 *   jgoim:h:{&lt;stream&gt;}:a   zset   entries with an {@link Audience}: score offset, member "epoch offset audience"
 * </pre>
 * The audience key exists only for streams that took an entry with an audience (key pushes in member streams); it is
 * trimmed with the entries (ZREMRANGEBYSCORE), and a read ignores members of another epoch (a store that lost the
 * meta key alone, or an older node's script that started a new epoch without knowing this key).
 * A list holds the entries rather than a Stream or a sorted set: offsets are contiguous by construction (RPUSH then
 * LTRIM from the head only, pins only holding the head back), so an entry's offset is its index plus {@code top - LLEN + 1} and needs no per-entry
 * id or score; RPUSH/LTRIM/LRANGE are O(1) per entry on a compact listpack encoding. Every append PEXPIREs the five
 * entry keys to the ttl, so they expire together; a missing meta key (first message, flush, restart empty, failover
 * that lost it, ttl expiry, eviction) makes the script delete the other entry keys and start a new epoch at offset
 * 1. The devices key lives apart (ttl after a device was last seen) and outlives epochs: an ack it holds for an old
 * epoch counts as none. An ack or an append while pins are live reads the devices hash: O(devices), at most
 * {@link #MAX_DEVICES}.
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
 * The scripts are in {@link RedisHistoryScripts}. Thread-safe; calls are pipelined on the shared connection in call
 * order. Does not own the {@link RedisClients};
 * {@link #close()} only refuses further calls.
 */
public final class RedisHistoryStore implements HistoryStore {
    static final String KEY_PREFIX = "jgoim:h:{";

    private final RedisScript append;
    private final RedisScript read;
    private final RedisScript ack;
    private final RedisScript devices;
    private final RedisStoreMeters meters;
    private volatile boolean closed;

    /**
     * @param clients  the connection (not owned)
     * @param registry where to record latency and errors ({@code jgoim.redis.*}, tag store=history), or null
     */
    public RedisHistoryStore(RedisClients clients, MeterRegistry registry) {
        this.append = new RedisScript(clients.async(), RedisHistoryScripts.APPEND);
        this.read = new RedisScript(clients.async(), RedisHistoryScripts.READ);
        this.ack = new RedisScript(clients.async(), RedisHistoryScripts.ACK);
        this.devices = new RedisScript(clients.async(), RedisHistoryScripts.DEVICES);
        this.meters = new RedisStoreMeters(registry, "history", "history store");
    }

    /** The seven keys of {@code stream}: meta, entries, dedupe ids, dedupe order, pins, devices, audiences. */
    static String[] keys(String stream) {
        String base = KEY_PREFIX + stream + "}:";
        return new String[] {base + "m", base + "l", base + "d", base + "q", base + "p", base + "v", base + "a"};
    }

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention, boolean pinned) {
        return append(stream, entries, dedupeIds, retention, pinned, null);
    }

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention, boolean pinned, String audience) {
        JgoimException bad = HistoryArgs.appendError(stream, entries, dedupeIds, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        int n = entries.size();
        Object[] argv = new Object[6 + 2 * n];
        argv[5 + 2 * n] = audience == null ? "" : audience;
        argv[0] = Integer.toString(retention.size());
        argv[1] = Long.toString(retention.ttl().toMillis());
        argv[2] = Integer.toString(n);
        argv[3] = pinned ? "1" : "0";
        argv[4] = Integer.toString(PIN_CAP_FACTOR);
        for (int i = 0; i < n; i++) {
            argv[5 + i] = entries.get(i);
            String id = dedupeIds == null ? null : dedupeIds.get(i);
            argv[5 + n + i] = id == null ? "" : "+" + id;
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
            int n = ((Long) reply.get(4)).intValue();
            List<byte[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add((byte[]) reply.get(5 + i));
            }
            long epoch = epoch(reply.get(0));
            Map<Long, String> audiences = new HashMap<>();
            for (int i = 5 + n; i < reply.size(); i++) {
                // "epoch offset audience": only this epoch's count
                String member = new String((byte[]) reply.get(i), StandardCharsets.UTF_8);
                int a = member.indexOf(' ');
                int b = a < 0 ? -1 : member.indexOf(' ', a + 1);
                if (b > 0 && member.startsWith(Long.toUnsignedString(epoch)) && a == Long.toUnsignedString(epoch)
                        .length()) {
                    audiences.put(Long.parseLong(member, a + 1, b, 10), member.substring(b + 1));
                }
            }
            return new Slice(epoch, (Long) reply.get(1), (Long) reply.get(2), out, (Long) reply.get(3) == 1L,
                    audiences);
        });
    }

    @Override
    public CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                                  Retention retention) {
        JgoimException bad = HistoryArgs.ackError(stream, deviceKey, epoch, offset, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        Object[] argv = {deviceKey, Long.toUnsignedString(epoch), Long.toString(offset),
                Integer.toString(retention.size()), Long.toString(retention.ttl().toMillis()),
                Integer.toString(PIN_CAP_FACTOR), Integer.toString(MAX_DEVICES)};
        return call(ack, stream, argv, reply -> (Long) reply.get(0) == 1L);
    }

    @Override
    public CompletableFuture<Devices> devices(String stream, Retention retention) {
        JgoimException bad = HistoryArgs.devicesError(stream, retention);
        if (bad != null) {
            return HistoryArgs.failed(bad);
        }
        Object[] argv = {Long.toString(retention.ttl().toMillis())};
        return call(devices, stream, argv, reply -> {
            List<Device> out = new ArrayList<>((reply.size() - 2) / 3);
            for (int i = 2; i + 2 < reply.size(); i += 3) {
                out.add(new Device(new String((byte[]) reply.get(i), StandardCharsets.UTF_8),
                        epoch(reply.get(i + 1)), (Long) reply.get(i + 2)));
            }
            out.sort(Comparator.comparing(Device::key));
            return new Devices(epoch(reply.get(0)), (Long) reply.get(1), out);
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
            meters.recordSince(start);
            if (error == null) {
                try {
                    out.complete(parse.apply(reply));
                    return;
                } catch (RuntimeException unexpected) {
                    error = new JgoimException(ErrorCode.INTERNAL, "history store: unexpected script reply "
                            + reply.size() + " elements for " + stream, unexpected);
                }
            }
            meters.failed();
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
