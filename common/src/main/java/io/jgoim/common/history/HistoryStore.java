package io.jgoim.common.history;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where streams get their positions and keep their last messages. Two implementations held to one contract test:
 * {@code RedisHistoryStore} (cluster: one script call per {@link #append}, keys hash-tagged per stream so it works on
 * Redis Cluster) and {@code MemoryHistoryStore} (standalone; a restart is a new epoch for every stream).
 *
 * <p>A stream's epoch is created with its first message and changes whenever its history may have been lost (the
 * store flushed or restarted empty, the stream expired after its ttl); offsets are contiguous within an epoch,
 * starting at 1. Every method is asynchronous and never blocks; a failed future carries a
 * {@link io.jgoim.protocol.JgoimException} (UNAVAILABLE or TIMEOUT when the store is down, BAD_PARAMETER for an
 * empty stream name, a null entry, dedupe ids not one per entry, a negative since or limit). Thread-safe.
 */
public interface HistoryStore extends AutoCloseable {
    /**
     * Appends {@code entries} (whole encoded goim frames) to {@code stream} in order, keeps its last
     * {@code retention.size()} entries and keeps it alive {@code retention.ttl()} after this append.
     *
     * @param dedupeIds null, or one id per entry (an element may be null: no id). An entry whose id this stream
     *                  already took (within its last {@code retention.size()} ids, same epoch) is not appended again:
     *                  it keeps the offset it got the first time. Job passes the Kafka record's topic, partition and
     *                  offset, so a record consumed again after a restart or a rebalance keeps its position.
     * @return the stream's epoch and the offset of each entry, in order
     */
    CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                       Retention retention);

    /**
     * Reads {@code stream}: the entries after offset {@code since}, at most {@code limit} of them (the first
     * {@code limit} after since); with {@code last}, the newest {@code limit} entries whatever {@code since} is.
     * A stream with no message yet answers epoch 0, top 0 and no entries.
     */
    CompletableFuture<Slice> read(String stream, long since, int limit, boolean last);

    /** The outcome of an {@link #append}. */
    record Appended(long epoch, long[] offsets) {
    }

    /**
     * What a {@link #read} found: the stream's {@code epoch} and {@code top} (last offset assigned, 0 = none),
     * {@code entries} at consecutive offsets from {@code first}, and whether they are {@code complete}: they start
     * right after {@code since} (or, with {@code last}, at the oldest retained entry) with nothing trimmed between.
     */
    record Slice(long epoch, long top, long first, List<byte[]> entries, boolean complete) {
    }

    @Override
    void close();
}
