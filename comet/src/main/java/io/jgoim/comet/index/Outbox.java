package io.jgoim.comet.index;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.ring.PushRing;

/**
 * What a session holds once something was pushed to it: its ring of pushes waiting for the event loop, and, for a goim
 * or ver-2 session, the offsets of its member's stream it was handed lately ({@link HandedOffsets}), so that a member
 * push job sends again (records it consumed again after a restart or a rebalance, a push retried with its id) is not
 * written to it twice in one session — those clients cannot tell a repeat. (A position-aware session's
 * {@code StreamDelivery} drops repeats by its own cursor.) Made on the session's first push, so an idle session pays
 * nothing; guarded by the session's monitor.
 */
final class Outbox {
    /** Offsets of the member's stream remembered below the highest handed (one long of bits). */
    static final int MEMBER_WINDOW = 64;

    final PushRing ring;
    /** Made on the first positioned push: sessions of members without history never need it. */
    private HandedOffsets member;

    Outbox(int capacity) {
        this.ring = new PushRing(capacity);
    }

    /** True when every message of {@code p} was handed to this session before. */
    boolean hadAll(PushFrame.Position p) {
        return member != null && member.hadAll(p.epoch(), p.first(), p.count());
    }

    /** {@code p} is now in the ring. */
    void handed(PushFrame.Position p) {
        if (member == null) {
            member = new HandedOffsets(MEMBER_WINDOW);
        }
        member.handed(p.epoch(), p.first(), p.count());
    }
}
