package io.jgoim.common.history;

import java.util.List;
import java.util.Map;
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
 *
 * <p>Must-deliver messages (member pushes marked so) are appended <em>pinned</em>. Retention stays contiguous: an
 * append or an acknowledge keeps every entry at or after {@code min(top - size + 1, oldest live pin)}, so history
 * reaches back to the oldest must-deliver message not yet acknowledged and a resume stays a plain contiguous read.
 * A pin is released when every device of the stream seen within {@code retention.ttl()} acknowledged an offset at
 * or after it in the same epoch, or when it is older than the ttl. Two bounds: at most {@link #PIN_CAP_FACTOR}
 * {@code × size} entries are kept whatever the pins (older pins are released), and at most {@link #MAX_DEVICES}
 * devices are remembered per stream (a new one makes the least recently seen forgotten). Devices are remembered
 * apart from the entries: they live {@code ttl} after they were last seen, across epochs.
 */
public interface HistoryStore extends AutoCloseable {
    /** Entries kept at most, as a multiple of {@code retention.size()}, however many pins are live. */
    int PIN_CAP_FACTOR = 10;
    /** Devices remembered per stream; a new one past this makes the least recently seen forgotten. */
    int MAX_DEVICES = 64;

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
    default CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                               Retention retention) {
        return append(stream, entries, dedupeIds, retention, false);
    }

    /**
     * {@link #append(String, List, List, Retention)}, each new entry {@code pinned} (must-deliver) when asked: kept
     * past {@code retention.size()} until the stream's devices acknowledged it or the ttl passed (see above). An
     * entry a dedupe id found again keeps its first pin state.
     */
    CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                       Retention retention, boolean pinned);

    /**
     * {@link #append(String, List, List, Retention, boolean)} with an {@code audience} ({@link Audience}'s stored
     * form; null: every reader of the stream) for each new entry: {@link #read} returns it with the entry's offset,
     * so a reader that is not in it skips the entry and still advances past its offset. An entry a dedupe id found
     * again keeps its first audience. Kept as long as its entry; a new epoch starts without any.
     */
    default CompletableFuture<Appended> append(String stream, List<byte[]> entries, List<String> dedupeIds,
                                               Retention retention, boolean pinned, String audience) {
        if (audience == null) {
            return append(stream, entries, dedupeIds, retention, pinned);
        }
        return CompletableFuture.failedFuture(new io.jgoim.protocol.JgoimException(
                io.jgoim.protocol.ErrorCode.INTERNAL, getClass().getSimpleName() + " keeps no entry audiences"));
    }

    /**
     * Device {@code deviceKey} of {@code stream} was seen now and acknowledged every offset up to {@code offset} of
     * {@code epoch} (cumulative; a lower offset than the one it acknowledged before changes nothing). {@code (0, 0)}
     * only records the device as seen (a session connected). Releases the pins this completes and trims the entries
     * back, as an append does.
     *
     * @return true when the ack named the stream's current epoch and an offset it assigned (1..top); false when it
     *         only recorded the device as seen (an old epoch, an offset never assigned, or {@code (0, 0)})
     */
    CompletableFuture<Boolean> acknowledge(String stream, String deviceKey, long epoch, long offset,
                                           Retention retention);

    /** The devices of {@code stream} seen within {@code retention.ttl()}, by key, with what each acknowledged. */
    CompletableFuture<Devices> devices(String stream, Retention retention);

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
     * {@code audiences}: offset → {@link Audience} of the returned entries that have one (the others are for every
     * reader).
     */
    record Slice(long epoch, long top, long first, List<byte[]> entries, boolean complete,
                 Map<Long, String> audiences) {
        public Slice {
            audiences = Map.copyOf(audiences);
        }

        /** A slice whose entries are all for every reader. */
        public Slice(long epoch, long top, long first, List<byte[]> entries, boolean complete) {
            this(epoch, top, first, entries, complete, Map.of());
        }
    }

    /**
     * What {@link #devices} found: the stream's current {@code epoch} and {@code top} (0 and 0 when it has no message)
     * and its devices seen within the ttl, ordered by key.
     */
    record Devices(long epoch, long top, List<Device> devices) {
    }

    /** One device: its key and the position it acknowledged last ({@code (0, 0)}: none). */
    record Device(String key, long epoch, long offset) {
        /** True when this device acknowledged {@code offset} of {@code epoch} (or a later offset of it). */
        public boolean acked(long epoch, long offset) {
            return this.epoch == epoch && this.offset >= offset && offset > 0;
        }
    }

    @Override
    void close();
}
