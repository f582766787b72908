package io.jgoim.logic.push;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A recording bus for tests: keeps every published (record key, message) in order and can be told to refuse
 * publishes (a bus that is down). Not the standalone bus (that is job's InProcessPushBus). Thread-safe.
 */
public final class InMemoryPushPublisher implements PushPublisher, UpstreamPublisher {
    /** One published record. */
    public record Record(String key, PushMsg message, byte[] upstream) {
    }

    private final List<Record> records = new ArrayList<>();
    private volatile boolean down;

    /** While down, every publish fails with UNAVAILABLE and nothing is recorded. */
    public void setDown(boolean down) {
        this.down = down;
    }

    @Override
    public synchronized CompletableFuture<Void> publish(String recordKey, PushMsg message) {
        if (down) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "bus down"));
        }
        records.add(new Record(recordKey, message, null));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> publishUpstream(String recordKey, byte[] value) {
        if (down) {
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE, "bus down"));
        }
        records.add(new Record(recordKey, null, value));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** A copy of what was published so far, in order. */
    public synchronized List<Record> records() {
        return new ArrayList<>(records);
    }
}
