package io.jgoim.common.history;

/**
 * The Lua scripts of {@link RedisHistoryStore}, one per call (append, read, acknowledge, devices), over a stream's
 * seven hash-tagged keys (KEYS = m, l, d, q, p, v, a; the layout is described on {@link RedisHistoryStore}). Each
 * writing script starts with {@link #SETTLE}, the pin release and trim rule it shares with
 * {@link MemoryHistoryStore}. Constants only.
 */
final class RedisHistoryScripts {
    private RedisHistoryScripts() {
    }

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
}
