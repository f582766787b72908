package io.jgoim.logic.testing;

import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.MemoryHistoryStore;
import io.jgoim.common.history.Retention;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production {@link MemoryHistoryStore} behind a fault switch and an append counter, for tests of what calls the
 * store: how many appends a push made per stream, and what happens when the store fails the way Redis does (a failed
 * future with UNAVAILABLE or TIMEOUT). While down, calls fail and change nothing. Thread-safe.
 */
public final class FaultyHistoryStore implements HistoryStore {
    private final MemoryHistoryStore store = new MemoryHistoryStore();
    private final Map<String, AtomicInteger> appends = new ConcurrentHashMap<>();
    private volatile ErrorCode down;

    /** Fails every call with {@code code} from now on; null = up again. */
    public FaultyHistoryStore down(ErrorCode code) {
        this.down = code;
        return this;
    }

    /** Append calls {@code stream} received (failed ones too). */
    public int appends(String stream) {
        AtomicInteger n = appends.get(stream);
        return n == null ? 0 : n.get();
    }

    /** Append calls received, every stream together. */
    public int appends() {
        return appends.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention, boolean pinned) {
        return append(stream, entries, dedupeIds, retention, pinned, null);
    }

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention, boolean pinned, String audience) {
        appends.computeIfAbsent(stream, s -> new AtomicInteger()).incrementAndGet();
        ErrorCode d = down;
        if (d != null) {
            return CompletableFuture.failedFuture(new JgoimException(d, "history store down (test switch)"));
        }
        return store.append(stream, entries, dedupeIds, retention, pinned, audience);
    }

    @Override
    public CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                                  Retention retention) {
        ErrorCode d = down;
        if (d != null) {
            return CompletableFuture.failedFuture(new JgoimException(d, "history store down (test switch)"));
        }
        return store.acknowledge(stream, deviceKey, epoch, offset, retention);
    }

    @Override
    public CompletableFuture<Devices> devices(String stream, Retention retention) {
        ErrorCode d = down;
        if (d != null) {
            return CompletableFuture.failedFuture(new JgoimException(d, "history store down (test switch)"));
        }
        return store.devices(stream, retention);
    }

    @Override
    public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
        ErrorCode d = down;
        if (d != null) {
            return CompletableFuture.failedFuture(new JgoimException(d, "history store down (test switch)"));
        }
        return store.read(stream, since, limit, last);
    }

    @Override
    public void close() {
        store.close();
    }
}
