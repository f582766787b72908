package io.jgoim.comet.stream;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.StreamState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The history reads of one resume at auth and the auth reply's positions they make: each of the session's streams is
 * read from the position the client asked for (and, when its epoch changed, the new epoch from its start), or for its
 * newest position when it asked none; a stream it asked for that the session does not have is refused
 * (STREAM_FORBIDDEN). The reads complete on history's threads; read the results once {@link #all()} completed.
 */
final class ResumeReads {
    private final List<StreamState> refused = new ArrayList<>();
    private final List<CompletableFuture<ResumeOutcome>> parts;

    private ResumeReads(int streams) {
        this.parts = new ArrayList<>(streams);
    }

    /** Starts the reads of {@code streams} (the session's, in order) for the positions the client {@code asked}. */
    static ResumeReads start(HistoryReads reads, List<String> streams, List<StreamState> asked) {
        ResumeReads r = new ResumeReads(streams.size());
        for (StreamState a : asked) {
            if (!streams.contains(a.stream()) && streams.size() + r.refused.size() < PositionList.MAX_ENTRIES) {
                r.refused.add(new StreamState(a.stream(), 0, 0, true, ErrorCode.STREAM_FORBIDDEN.code()));
            }
        }
        for (String s : streams) {
            StreamState a = find(asked, s);
            if (a == null) {
                r.parts.add(reads.latest(s).thenApply(h -> ResumeOutcome.fresh(s, h)));
            } else {
                boolean fromStart = a.epoch() == 0 && a.offset() == 0;
                r.parts.add(reads.readAll(s, a.epoch(), a.offset()).thenCompose(h -> {
                    if (fromStart || h.off() || h.epoch() == a.epoch() || h.top() == 0) {
                        return CompletableFuture.completedFuture(ResumeOutcome.resumed(a, h, fromStart));
                    }
                    // The epoch changed: what the client holds is gone, but the new epoch's messages (those since
                    // the store lost its data) may all still be here: they are all new to this client.
                    return reads.readAll(s, h.epoch(), 0).thenApply(all -> ResumeOutcome.newEpoch(a, all));
                }));
            }
        }
        return r;
    }

    /** Completes once every read answered; exceptionally when one failed. */
    CompletableFuture<Void> all() {
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]));
    }

    /** What each stream's read found, in the order of the streams. */
    List<ResumeOutcome> outcomes() {
        List<ResumeOutcome> out = new ArrayList<>(parts.size());
        for (CompletableFuture<ResumeOutcome> p : parts) {
            out.add(p.join());
        }
        return out;
    }

    /** The auth reply's positions: one per listed stream (see {@link ResumeOutcome#unlisted()}), then the refused. */
    List<StreamState> replyStates() {
        List<StreamState> states = new ArrayList<>(parts.size() + refused.size());
        for (ResumeOutcome o : outcomes()) {
            if (!o.unlisted()) {
                states.add(o.state());
            }
        }
        states.addAll(refused);
        return states;
    }

    private static StreamState find(List<StreamState> asked, String stream) {
        for (StreamState a : asked) {
            if (a.stream().equals(stream)) {
                return a;
            }
        }
        return null;
    }
}
