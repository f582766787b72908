package io.jgoim.job;

import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.history.MemoryHistoryStore;
import io.jgoim.common.history.Retention;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A real {@link MemoryHistoryStore} behind a delegate that records every append (stream, entry count, dedupe ids), so
 * tests can count store calls per batch. Thread-safe.
 */
public final class CountingHistoryStore implements HistoryStore {
    /** One append call as the store saw it. */
    public record Append(String stream, int entries, List<String> dedupeIds) {
    }

    private final MemoryHistoryStore store = new MemoryHistoryStore();
    private final List<Append> appends = new ArrayList<>();

    @Override
    public CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                              Retention retention, boolean pinned) {
        synchronized (this) {
            appends.add(new Append(stream, entries.size(), dedupeIds == null ? null : new ArrayList<>(dedupeIds)));
        }
        return store.append(stream, entries, dedupeIds, retention, pinned);
    }

    @Override
    public CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                                  Retention retention) {
        return store.acknowledge(stream, deviceKey, epoch, offset, retention);
    }

    @Override
    public CompletableFuture<Devices> devices(String stream, Retention retention) {
        return store.devices(stream, retention);
    }

    @Override
    public CompletableFuture<Slice> read(String stream, long since, int limit, boolean last) {
        return store.read(stream, since, limit, last);
    }

    /** Appends to {@code stream}, in call order. */
    public synchronized List<Append> appends(String stream) {
        return appends.stream().filter(a -> a.stream().equals(stream)).toList();
    }

    public synchronized int appendCount() {
        return appends.size();
    }

    @Override
    public void close() {
        store.close();
    }
}
