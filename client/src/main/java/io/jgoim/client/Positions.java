package io.jgoim.client;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a position-aware client holds of each stream: the epoch and the last offset it delivered, learned from op-20
 * messages and from the server's position lists (auth reply, op 21). It decides whether a positioned message is new
 * (delivered, the position advances) or a duplicate (offset at or below the last one in the same epoch: dropped and
 * counted), forgets a stream's offsets when the stream's epoch changes (its history was lost, so old offsets mean
 * nothing), and gives the list the client sends after its token when it reconnects. Survives reconnects: one per
 * client. Written only on the client's event loop; {@link #snapshot()} and the counters may be read from any thread.
 */
final class Positions {
    private record Entry(long epoch, long offset, long touched) {
    }

    private final Map<String, Entry> streams = new ConcurrentHashMap<>(4);
    private volatile long duplicates;
    private volatile long epochChanges;
    // Confined to the event loop: orders entries by last update, to evict the stalest past the list's limit.
    private long clock;

    /**
     * A message of {@code stream} at {@code (epoch, offset)} arrived: true when it is new and must be delivered
     * (the stream's position is now that), false for a duplicate (counted).
     */
    boolean accept(String stream, long epoch, long offset) {
        Entry e = streams.get(stream);
        if (e != null && e.epoch == epoch && offset <= e.offset) {
            duplicates++;
            return false;
        }
        if (e != null && e.epoch != epoch) {
            epochChanges++;
        }
        put(stream, epoch, offset);
        return true;
    }

    /**
     * The server said where {@code state}'s stream stands. Recovered (asked, code 0): the missed messages follow as
     * op 20, so the position stays where it is and they advance it. A stream that keeps no history or is not this
     * session's (HISTORY_OFF, STREAM_FORBIDDEN): forgotten, it is not asked for again. Anything else (a stream the
     * client did not ask for, a new epoch, history too short, a position ahead of the stream, a room change): the
     * stream continues after the state's position, which becomes the client's.
     */
    void apply(StreamState state) {
        String stream = state.stream();
        Entry e = streams.get(stream);
        if (state.code() == ErrorCode.HISTORY_OFF.code() || state.code() == ErrorCode.STREAM_FORBIDDEN.code()) {
            streams.remove(stream);
            return;
        }
        if (state.recovered()) {
            if (e != null && e.epoch != state.epoch()) {
                // Not what a recovery means; the messages that follow set the position afresh.
                streams.remove(stream);
                epochChanges++;
            }
            return;
        }
        if (e != null && e.epoch != state.epoch()) {
            epochChanges++;
        }
        put(stream, state.epoch(), state.offset());
    }

    /** The positions to send after the token (at most {@value PositionList#MAX_ENTRIES}), by stream name. */
    List<StreamState> states() {
        List<StreamState> out = new ArrayList<>(streams.size());
        streams.forEach((stream, e) -> out.add(StreamState.of(stream, e.epoch, e.offset)));
        out.sort(Comparator.comparing(StreamState::stream));
        return out;
    }

    /** The current positions, by stream name. Any thread. */
    List<StreamPosition> snapshot() {
        List<StreamPosition> out = new ArrayList<>(streams.size());
        streams.forEach((stream, e) -> out.add(new StreamPosition(stream, e.epoch, e.offset)));
        out.sort(Comparator.comparing(StreamPosition::stream));
        return out;
    }

    boolean isEmpty() {
        return streams.isEmpty();
    }

    /** Messages dropped as duplicates over the client's life. */
    long duplicates() {
        return duplicates;
    }

    /** Times a tracked stream moved to another epoch (its old offsets were forgotten). */
    long epochChanges() {
        return epochChanges;
    }

    private void put(String stream, long epoch, long offset) {
        if (!streams.containsKey(stream) && streams.size() >= PositionList.MAX_ENTRIES) {
            evictStalest();
        }
        streams.put(stream, new Entry(epoch, offset, ++clock));
    }

    private void evictStalest() {
        String stalest = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, Entry> e : streams.entrySet()) {
            if (e.getValue().touched < oldest) {
                oldest = e.getValue().touched;
                stalest = e.getKey();
            }
        }
        streams.remove(stalest);
    }
}
