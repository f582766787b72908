package io.jgoim.comet.token;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compact forms of a token's ids, so a session stores 12 bytes instead of two strings: its {@code jti} as a 64-bit
 * hash (FNV-1a with a final mix; a collision closes a wrong session only if an operator revokes its twin, at odds of
 * about n/2^64) and its {@code kid} as a small number from one comet-wide table (kids are the few configured
 * signing keys, so the table stays small; past {@link #MAX_KIDS} new kids get {@link #NONE} and cannot be matched by
 * a kid revocation, only by jti or member). 0 stands for "none" in both. Thread-safe.
 */
public final class TokenIds {
    /** No jti, no kid. */
    public static final int NONE = 0;
    /** Most kids numbered. */
    static final int MAX_KIDS = 4096;

    private static final ConcurrentHashMap<String, Integer> KIDS = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT_KID = new AtomicInteger(1);

    private TokenIds() {
    }

    /** The jti's hash, never 0 for a non-empty jti; 0 for an empty one. */
    public static long jtiHash(String jti) {
        if (jti == null || jti.isEmpty()) {
            return NONE;
        }
        long h = 0xcbf29ce484222325L;
        for (byte b : jti.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == NONE ? 1 : h;
    }

    /** The kid's number, assigning one on first sight; {@link #NONE} for an empty kid or a full table. */
    public static int kid(String kid) {
        if (kid == null || kid.isEmpty()) {
            return NONE;
        }
        Integer n = KIDS.get(kid);
        if (n != null) {
            return n;
        }
        if (KIDS.size() >= MAX_KIDS) {
            return NONE;
        }
        return KIDS.computeIfAbsent(kid, k -> NEXT_KID.getAndIncrement());
    }
}
