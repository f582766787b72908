package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.rpc.logic.EntryAudience;
import io.jgoim.protocol.rpc.logic.HistoryReply;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a read of a stream's history found (logic's {@link HistoryReply}, or the comet's recent messages): the
 * stream's {@code epoch} and {@code top} (last offset assigned; 0 = none), {@code entries} (whole goim frames) at
 * consecutive offsets from {@code first}, whether they are {@code complete} (they start right after the offset asked
 * for, nothing trimmed between) and whether the stream keeps no history at all ({@code off}). {@code audiences}:
 * offset → the session keys an entry is for, for the entries that are not for every reader (key pushes in a member
 * stream; see {@link StreamFilter}). Immutable.
 */
public record History(boolean off, long epoch, long top, long first, List<ByteString> entries, boolean complete,
                      Map<Long, List<String>> audiences) {
    public History {
        audiences = audiences.isEmpty() ? Map.of() : Map.copyOf(audiences);
    }

    /** A read whose entries are all for every reader. */
    public History(boolean off, long epoch, long top, long first, List<ByteString> entries, boolean complete) {
        this(off, epoch, top, first, entries, complete, Map.of());
    }

    public static History of(HistoryReply r) {
        if (r.getOff()) {
            return new History(true, 0, 0, 1, List.of(), false);
        }
        Map<Long, List<String>> audiences = Map.of();
        if (r.getAudiencesCount() > 0) {
            audiences = new HashMap<>();
            for (EntryAudience a : r.getAudiencesList()) {
                audiences.put(a.getOffset(), List.copyOf(a.getKeysList()));
            }
        }
        return new History(false, r.getEpoch(), r.getTop(), r.getFirst(), r.getEntriesList(), r.getComplete(),
                audiences);
    }

    /** The offset of the last entry ({@code first - 1} when there is none). */
    public long last() {
        return first + entries.size() - 1;
    }

    /** True when the entries run up to the stream's top (a view of the newest messages). */
    public boolean reachesTop() {
        return !off && !entries.isEmpty() && last() == top;
    }

    /** The session keys the entry at {@code offset} is for, or null when it is for every reader. */
    public List<String> audience(long offset) {
        return audiences.isEmpty() ? null : audiences.get(offset);
    }
}
