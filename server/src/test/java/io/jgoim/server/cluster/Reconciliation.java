package io.jgoim.server.cluster;

import io.jgoim.protocol.stream.StreamState;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Compares what each client received with what logic accepted for the streams the client is entitled to (its room
 * and its member stream, for the whole run): accepted pushes it never got, pushes it got that were not accepted
 * (refused or unanswered: not a loss, reported), order and duplicate violations its tracker saw, and every state
 * that said messages may be missing.
 */
public final class Reconciliation {
    private final List<String> missing = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> notRecovered = new ArrayList<>();
    private long missingCount;
    private long unexpectedCount;
    private long deliveries;
    private long plain;

    /** Reconciles {@code trackers} against {@code ledger}. */
    public static Reconciliation of(List<StreamTracker> trackers, Pusher.Ledger ledger) {
        Reconciliation r = new Reconciliation();
        for (StreamTracker t : trackers) {
            for (String stream : new String[] {t.room(), t.memberStream()}) {
                BitSet accepted = ledger.stream(stream).accepted();
                BitSet received = t.received(stream);
                r.deliveries += received.cardinality();
                r.plain += t.plainCount(stream);
                BitSet lost = (BitSet) accepted.clone();
                lost.andNot(received);
                if (!lost.isEmpty()) {
                    r.missingCount += lost.cardinality();
                    if (r.missing.size() < 20) {
                        r.missing.add(t.name() + " " + stream + " missing " + lost.cardinality() + ": " + lost);
                    }
                }
                BitSet extra = (BitSet) received.clone();
                extra.andNot(accepted);
                r.unexpectedCount += extra.cardinality();
            }
            for (String v : t.violations()) {
                if (r.violations.size() < 40) {
                    r.violations.add(v);
                }
            }
            for (StreamState s : t.notRecovered()) {
                r.notRecovered.add(t.name() + " " + s);
            }
        }
        return r;
    }

    /** Accepted pushes an entitled client never received. */
    public long missingCount() {
        return missingCount;
    }

    /** Up to 20 clients' missing pushes, described. */
    public List<String> missing() {
        return missing;
    }

    /** Order, duplicate and framing violations (up to 40). */
    public List<String> violations() {
        return violations;
    }

    /** Every state with a code (messages may be missing), by client. */
    public List<String> notRecovered() {
        return notRecovered;
    }

    /** Pushes received that logic did not accept (refused or unanswered). */
    public long unexpectedCount() {
        return unexpectedCount;
    }

    /** Messages received over every client and stream. */
    public long deliveries() {
        return deliveries;
    }

    /** Of which without position. */
    public long plain() {
        return plain;
    }

    public String summary() {
        return String.format("%d deliveries (%d without position), %d missing, %d not accepted but received, "
                        + "%d violations, %d not-recovered states", deliveries, plain, missingCount, unexpectedCount,
                violations.size(), notRecovered.size());
    }
}
