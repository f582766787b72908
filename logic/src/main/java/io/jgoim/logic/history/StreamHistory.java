package io.jgoim.logic.history;

import com.google.protobuf.UnsafeByteOperations;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.protocol.rpc.logic.HistoryReply;
import io.jgoim.protocol.rpc.logic.HistoryReq;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Logic's view of stream history: which streams keep it ({@link HistoryConfig}) and the {@link HistoryStore} that
 * holds it. Answers comets' History calls; a stream that keeps none answers {@code off}. Thread-safe.
 */
public final class StreamHistory {
    /** Most entries one History call returns. */
    public static final int MAX_READ = 1000;

    private final HistoryStore store;
    private final HistoryConfig config;

    public StreamHistory(HistoryStore store, HistoryConfig config) {
        this.store = store;
        this.config = config;
    }

    /** No stream keeps history (a logic node without a store). */
    public static StreamHistory none() {
        return new StreamHistory(null, HistoryConfig.off());
    }

    public HistoryConfig config() {
        return config;
    }

    /** The store, or null when no stream keeps history. */
    public HistoryStore store() {
        return store;
    }

    public CompletableFuture<HistoryReply> read(HistoryReq req) {
        if (store == null || req.getStream().isEmpty() || !config.retention(req.getStream()).enabled()) {
            return CompletableFuture.completedFuture(HistoryReply.newBuilder().setOff(true).build());
        }
        int limit = req.getLimit() <= 0 ? MAX_READ : Math.min(req.getLimit(), MAX_READ);
        return store.read(req.getStream(), req.getSince(), limit, req.getLast()).thenApply(s -> {
            HistoryReply.Builder b = HistoryReply.newBuilder().setEpoch(s.epoch()).setTop(s.top())
                    .setFirst(s.first()).setComplete(s.complete());
            List<byte[]> entries = s.entries();
            for (int i = 0; i < entries.size(); i++) {
                b.addEntries(UnsafeByteOperations.unsafeWrap(entries.get(i)));
            }
            return b.build();
        });
    }
}
