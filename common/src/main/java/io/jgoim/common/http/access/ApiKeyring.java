package io.jgoim.common.http.access;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The configured API keys (logic's {@code http.apiKeys}, the admin ports' keys) and the lookup of the one a request
 * presents, as {@code Authorization: Bearer KEY} or {@code X-Api-Key: KEY}: the presented key is hashed (SHA-256, into
 * a per-thread buffer) and compared with every configured hash in constant time, so neither the time taken nor an
 * allocation depends on which key, or how much of one, matched. Each key carries its scopes, its {@link TokenBucket}
 * and its counters (logic's {@code jgoim.logic.http.auth}), registered at zero when the keyring is built. Built once
 * per listener; thread-safe.
 */
public final class ApiKeyring {
    /** The {@code key} tag of outcomes that name no configured key (missing, invalid). */
    public static final String NO_KEY_TAG = "-";
    static final AsciiString X_API_KEY = AsciiString.cached("x-api-key");
    private static final String BEARER = "Bearer ";
    private static final int SHA256_BYTES = 32;
    private static final FastThreadLocal<Hasher> HASHER = new FastThreadLocal<>() {
        @Override
        protected Hasher initialValue() {
            return new Hasher();
        }
    };

    private final Key[] keys;
    private final Key missing;
    private final Key unknown;

    /** Logic's push API keyring: counters {@code jgoim.logic.http.auth}. */
    public ApiKeyring(List<? extends ApiKeySpec> config, MeterRegistry registry, LongSupplier nanoClock) {
        this(config, "jgoim.logic.http.auth", registry, nanoClock);
    }

    /**
     * Registers every key's counters ({@code meterName}, tagged result and key) at zero; build it only when keys are
     * configured (an open API has none).
     */
    public ApiKeyring(List<? extends ApiKeySpec> config, String meterName, MeterRegistry registry,
                      LongSupplier nanoClock) {
        this.keys = new Key[config.size()];
        for (int i = 0; i < keys.length; i++) {
            ApiKeySpec k = config.get(i);
            EnumSet<ApiScope> scopes = EnumSet.noneOf(ApiScope.class);
            k.scopes().forEach(s -> scopes.add(ApiScope.of(s)));
            keys[i] = new Key(k.id(), HexFormat.of().parseHex(k.sha256()), scopes,
                    new TokenBucket(k.ratePerSecond(), k.burst(), nanoClock), meterName, registry);
            keys[i].tenants = k.tenants();
        }
        // Two stand-ins so the caller can tell them apart; the registry hands both the same two counters.
        this.missing = new Key(NO_KEY_TAG, null, Set.of(), null, meterName, registry);
        this.unknown = new Key(NO_KEY_TAG, null, Set.of(), null, meterName, registry);
    }

    /**
     * The configured key the request presents; {@link #missing()} when it presents none (no Bearer credential and no
     * {@code X-Api-Key}, or an empty one), {@link #unknown()} when the key it presents is not configured.
     */
    public Key match(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.AUTHORIZATION);
        int from;
        if (value != null && value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            from = BEARER.length();
        } else {
            value = headers.get(X_API_KEY);
            from = 0;
        }
        if (value == null) {
            return missing;
        }
        int to = value.length();
        while (from < to && value.charAt(from) == ' ') {
            from++;
        }
        while (to > from && value.charAt(to - 1) == ' ') {
            to--;
        }
        if (from == to) {
            return missing;
        }
        byte[] hash = HASHER.get().hash(value, from, to);
        if (hash == null) {
            return unknown;
        }
        Key found = unknown;
        for (Key k : keys) {
            // No early exit: every configured hash is compared, whichever matches.
            if (MessageDigest.isEqual(hash, k.sha256)) {
                found = k;
            }
        }
        return found;
    }

    /** The stand-in for a request that presents no key; counts MISSING. */
    public Key missing() {
        return missing;
    }

    /** The stand-in for a request that presents a key that is not configured; counts INVALID. */
    public Key unknown() {
        return unknown;
    }

    /**
     * One configured key: its id (safe to log, the {@code key} tag), scopes, rate and counters; or one of the two
     * stand-ins, which have no scope and id {@link #NO_KEY_TAG}. Thread-safe.
     */
    public static final class Key {
        private final String id;
        private final byte[] sha256;
        private final Set<ApiScope> scopes;
        private final TokenBucket bucket;
        private final Counter[] counters = new Counter[AccessResult.values().length];
        /** The tenants it may push for, first = its tenant without a header; set once, before the ring is shared. */
        private List<String> tenants = List.of(ApiKeySpec.DEFAULT_TENANT);

        private Key(String id, byte[] sha256, Set<ApiScope> scopes, TokenBucket bucket, String meterName,
                    MeterRegistry registry) {
            this.id = id;
            this.sha256 = sha256;
            this.scopes = scopes;
            this.bucket = bucket;
            for (AccessResult r : AccessResult.values()) {
                boolean applies = sha256 == null
                        ? r == AccessResult.MISSING || r == AccessResult.INVALID
                        : r != AccessResult.MISSING && r != AccessResult.INVALID;
                if (applies) {
                    counters[r.ordinal()] = Counter.builder(meterName)
                            .description("requests by API-key check result and key id (- for none)")
                            .tag("result", r.tag()).tag("key", id).register(registry);
                }
            }
        }

        /** The tenants this key may push for ({@code http.apiKeys[].tenants}); the first is its default. */
        public List<String> tenants() {
            return tenants;
        }

        /** The configured id ({@link #NO_KEY_TAG} for a stand-in). */
        public String id() {
            return id;
        }

        public boolean allows(ApiScope scope) {
            return scopes.contains(scope);
        }

        /** Takes a token: 0 when admitted, else the nanoseconds until one is free. */
        public long tryAcquire() {
            return bucket.tryAcquire();
        }

        /** Counts one check with this outcome (a stand-in counts MISSING and INVALID, a key the others). */
        public void count(AccessResult result) {
            counters[result.ordinal()].increment();
        }
    }

    /** A thread's SHA-256 state and output buffer, reused for every request that thread checks. */
    private static final class Hasher {
        private final MessageDigest sha256;
        private final byte[] out = new byte[SHA256_BYTES];

        Hasher() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }

        /** The hash of the key at {@code s[from, to)}; null for a char outside visible ASCII (no key has one). */
        byte[] hash(String s, int from, int to) {
            sha256.reset();
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c > 0x7e || c < 0x21) {
                    return null;
                }
                sha256.update((byte) c);
            }
            try {
                sha256.digest(out, 0, SHA256_BYTES);
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            return out;
        }
    }
}
