package io.jgoim.common.session;

/**
 * The Lua scripts of {@link RedisSessionDirectory}: each conditional step on one key (or on one key's route and its
 * member record, which share a hash tag), so it is atomic without WATCH. Constants only.
 */
final class RedisSessionScripts {
    private RedisSessionScripts() {
    }

    /** KEYS[1] = the epoch key; ARGV[1] = a fresh id. Returns the stored id, storing ARGV[1] when there is none. */
    static final String EPOCH = "local e = redis.call('GET', KEYS[1]) "
            + "if e then return e end redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1]";

    /**
     * KEYS = key_{key}, keymid_{key}; ARGV = server, ttl ms, "mid server" ('' for mid 0). Renews the route only while
     * it points at this server, and its member record with it (restored when it expired alone).
     */
    static final String REFRESH_KEY = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
            + "if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2]) end return 1 end return 0";
    /** KEYS[1] = mid_{mid}; ARGV = key, server, ttl ms. Restores the field (the hash may have expired alone). */
    static final String REFRESH_MID = "local s = redis.call('HGET', KEYS[1], ARGV[1]) "
            + "if s == false or s == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) return 1 end return 0";
    /** KEYS = key_{key}, keymid_{key}; ARGV = server. The member record stays to its ttl (a device that is away). */
    static final String REMOVE_KEY = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('DEL', KEYS[1]) end return 0";
    /** KEYS[1] = mid_{mid}; ARGV = key, server. */
    static final String REMOVE_MID = "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0";
    /** KEYS[1] = ol_{server}; ARGV = ttl ms, then room, count pairs. Replaces the comet's previous report. */
    static final String PUT_ONLINE = "redis.call('DEL', KEYS[1]) "
            + "for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end "
            + "if #ARGV > 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return 1";
}
