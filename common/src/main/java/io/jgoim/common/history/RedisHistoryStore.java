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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Thread-safe; calls are pipelined on the shared connection in call order. Does not own the {@link RedisClients};
 * {@link #close()} only refuses further calls.
 */
public final class RedisHistoryStore implements HistoryStore {
    static final String KEY_PREFIX = "jgoim:h:{";

    /**
     * Lua helpers every writing script starts with (KEYS = m, l, d, q, p, v, a): the server clock in milliseconds, the
     * devices seen within the ttl (the others are deleted), and {@code settle}, the pin release and trim rule of
     * {@link MemoryHistoryStore}'s {@code settle}: pins are released oldest first while expired, acknowledged by
     * every live device in the stream's epoch, or more than {@code size * cap} entries back; then the entries before
     * {@code min(top - size + 1, oldest live pin)} are trimmed.
     */
    static final String SETTLE = """
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function live_devices(now, ttl)
              local all = redis.call('HGETALL', KEYS[6])
              local out = {}
              for i = 1, #all, 2 do
                local seen, e, o = string.match(all[i + 1], '^(%d+) (%d+) (%d+)$')
                if seen and tonumber(seen) + ttl > now then
                  out[#out + 1] = {all[i], e, tonumber(o), tonumber(seen)}
                else
                  redis.call('HDEL', KEYS[6], all[i])
                end
              end
              return out
            end
            local function pin_offset(pin)
              return tonumber(string.match(pin, '^(%d+)'))
            end
            local function settle(epoch, top, size, ttl, cap, now)
              local devices = nil
              local cap_from = top - size * cap + 1
              local head = redis.call('LINDEX', KEYS[5], 0)
              while head do
                local off, at = string.match(head, '^(%d+) (%d+)$')
                off = tonumber(off)
                local release = off < cap_from or tonumber(at) + ttl <= now
                if not release then
                  devices = devices or live_devices(now, ttl)
                  release = true
                  for i = 1, #devices do
                    if devices[i][2] ~= epoch or devices[i][3] < off then
                      release = false
                      break
                    end
                  end
                end
                if not release then
                  break
                end
                redis.call('LPOP', KEYS[5])
                head = redis.call('LINDEX', KEYS[5], 0)
              end
              local keep_from = top - size + 1
              if head and pin_offset(head) < keep_from then
                keep_from = pin_offset(head)
              end
              local keep = top - keep_from + 1
              if keep > 0 then
                redis.call('LTRIM', KEYS[2], -keep, -1)
              else
                redis.call('DEL', KEYS[2])
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', '(' .. keep_from)
            end
            """;

    /**
     * KEYS = m, l, d, q, p, v, a; ARGV = size, ttl ms, n, pinned ('1'/'0'), cap, n entries, n dedupe ids ('' = none,
     * else '+' .. id), audience ('' = none). Returns {epoch (string), offset of each entry...}.
     */
    static final String APPEND = SETTLE + """
            local size = tonumber(ARGV[1])
            local ttl = tonumber(ARGV[2])
            local n = tonumber(ARGV[3])
            local pinned = ARGV[4] == '1'
            local now = now_ms()
            local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
            local epoch = meta[1]
            local top = 0
            if epoch then
              top = tonumber(meta[2])
            else
              redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[7])
              local t = redis.call('TIME')
              epoch = t[1] .. string.format('%06d', tonumber(t[2]))
            end
            local reply = {epoch}
            local audience = ARGV[6 + 2 * n]
            for i = 1, n do
              local id = ARGV[5 + n + i]
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
                redis.call('RPUSH', KEYS[2], ARGV[5 + i])
                if audience ~= '' then
                  redis.call('ZADD', KEYS[7], top, epoch .. ' ' .. top .. ' ' .. audience)
                end
                if pinned then
                  redis.call('RPUSH', KEYS[5], string.format('%d %d', top, now))
                end
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
            settle(epoch, top, size, ttl, tonumber(ARGV[5]), now)
            redis.call('HSET', KEYS[1], 'epoch', epoch, 'top', top)
            for k = 1, 5 do
              redis.call('PEXPIRE', KEYS[k], ttl)
            end
            redis.call('PEXPIRE', KEYS[7], ttl)
            return reply
            """;

    /**
     * KEYS = m, l, d, q, p, v, a; ARGV = device key, epoch (decimal), offset, size, ttl ms, cap, most devices. Records
     * the device as seen (its acknowledged position raised when the ack names the current epoch and an assigned
     * offset), then settles. Returns 1 when the ack was taken, 0 when it only recorded the device.
     */
    static final String ACK = SETTLE + """
            local offset = tonumber(ARGV[3])
            local size = tonumber(ARGV[4])
            local ttl = tonumber(ARGV[5])
            local now = now_ms()
            local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
            local epoch = meta[1]
            local top = tonumber(meta[2] or '0')
            local ae, ao = '0', 0
            local prev = redis.call('HGET', KEYS[6], ARGV[1])
            local pe, po = nil, nil
            if prev then
              pe, po = string.match(prev, '^%d+ (%d+) (%d+)$')
            end
            if pe then
              ae, ao = pe, tonumber(po)
            else
              local devices = live_devices(now, ttl)
              if #devices >= tonumber(ARGV[7]) then
                local stalest = devices[1]
                for i = 2, #devices do
                  if devices[i][4] < stalest[4] then
                    stalest = devices[i]
                  end
                end
                redis.call('HDEL', KEYS[6], stalest[1])
              end
            end
            local taken = 0
            if epoch and ARGV[2] == epoch and offset >= 1 and offset <= top then
              taken = 1
              if ae ~= epoch or offset > ao then
                ae, ao = epoch, offset
              end
            end
            redis.call('HSET', KEYS[6], ARGV[1], string.format('%d %s %d', now, ae, ao))
            redis.call('PEXPIRE', KEYS[6], ttl)
            if epoch then
              settle(epoch, top, size, ttl, tonumber(ARGV[6]), now)
            end
            return taken
            """;

    /**
     * KEYS = m, l, d, q, p, v, a; ARGV = ttl ms. Returns {epoch (string, '0' when none), top, then key, acked epoch
     * (string), acked offset for each device seen within the ttl}.
     */
    static final String DEVICES = SETTLE + """
            local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
            local reply = {meta[1] or '0', tonumber(meta[2] or '0')}
            local devices = live_devices(now_ms(), tonumber(ARGV[1]))
            for i = 1, #devices do
              reply[#reply + 1] = devices[i][1]
              reply[#reply + 1] = devices[i][2]
              reply[#reply + 1] = devices[i][3]
            end
            return reply
            """;

    /**
     * KEYS = m, l, (d, q, p, v,) a; ARGV = since, limit, last ('1' or '0'). Returns {epoch (string), top, first,
     * complete (1/0), n, n entries..., then the stored audience members ("epoch offset audience") of the entries
     * read}; the same arithmetic as {@link MemoryHistoryStore#read}.
     */
    static final String READ = """
            local meta = redis.call('HMGET', KEYS[1], 'epoch', 'top')
            local since = tonumber(ARGV[1])
            local limit = tonumber(ARGV[2])
            local last = ARGV[3] == '1'
            if not meta[1] then
              return {'0', 0, 1, (since == 0 or last) and 1 or 0, 0}
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
            local reply = {meta[1], top, from, complete, 0}
            if to >= from then
              local items = redis.call('LRANGE', KEYS[2], from - first, to - first)
              reply[5] = #items
              for i = 1, #items do
                reply[5 + i] = items[i]
              end
              local audiences = redis.call('ZRANGEBYSCORE', KEYS[7], from, to)
              for i = 1, #audiences do
                reply[#reply + 1] = audiences[i]
              end
            end
            return reply
            """;

    private final RedisScript append;
    private final RedisScript read;
    private final RedisScript ack;
    private final RedisScript devices;
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
        this.ack = new RedisScript(clients.async(), ACK);
        this.devices = new RedisScript(clients.async(), DEVICES);
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
