package io.jgoim.comet.stream;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.rpc.logic.HistoryReply;

import java.util.List;

/**
 * What a read of a stream's history found (logic's {@link HistoryReply}, or the comet's recent messages): the
 * stream's {@code epoch} and {@code top} (last offset assigned; 0 = none), {@code entries} (whole goim frames) at
 * consecutive offsets from {@code first}, whether they are {@code complete} (they start right after the offset asked
 * for, nothing trimmed between) and whether the stream keeps no history at all ({@code off}). Immutable.
 */
public record History(boolean off, long epoch, long top, long first, List<ByteString> entries, boolean complete) {
    public static History of(HistoryReply r) {
        if (r.getOff()) {
            return new History(true, 0, 0, 1, List.of(), false);
        }
        return new History(false, r.getEpoch(), r.getTop(), r.getFirst(), r.getEntriesList(), r.getComplete());
    }

    /** The offset of the last entry ({@code first - 1} when there is none). */
    public long last() {
        return first + entries.size() - 1;
    }

    /** True when the entries run up to the stream's top (a view of the newest messages). */
    public boolean reachesTop() {
        return !off && !entries.isEmpty() && last() == top;
    }
}
