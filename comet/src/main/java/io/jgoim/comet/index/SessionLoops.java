package io.jgoim.comet.index;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * The comet's session event loops, numbered, each with the dense list of the sessions it serves. Broadcasts and the
 * graceful close walk these lists with one task per loop, and each loop's {@link IdleSweeper} walks its list to close
 * silent sessions. The table is fixed at construction; each loop's list is
 * mutated only on that loop.
 */
public final class SessionLoops {
    private final EventExecutor[] loops;
    private final MemberList[] sessions;
    private final IdleSweeper[] sweepers;

    public SessionLoops(EventExecutor... loops) {
        if (loops.length == 0) {
            throw new IllegalArgumentException("no event loops");
        }
        this.loops = loops.clone();
        this.sessions = new MemberList[loops.length];
        this.sweepers = new IdleSweeper[loops.length];
        for (int i = 0; i < loops.length; i++) {
            sessions[i] = new MemberList(false);
            sweepers[i] = new IdleSweeper(this.loops[i], sessions[i]);
        }
    }

    /** The loops of {@code group}, in its iteration order. */
    public static SessionLoops of(EventExecutorGroup group) {
        List<EventExecutor> list = new ArrayList<>();
        group.forEach(list::add);
        return new SessionLoops(list.toArray(new EventExecutor[0]));
    }

    public int size() {
        return loops.length;
    }

    public EventExecutor loop(int index) {
        return loops[index];
    }

    /** The index of {@code loop}, or -1 when it is not one of these loops. */
    public int indexOf(EventExecutor loop) {
        for (int i = 0; i < loops.length; i++) {
            if (loops[i] == loop) {
                return i;
            }
        }
        return -1;
    }

    /** All sessions on loop {@code index}; read on that loop only (the index mutates it there). */
    public MemberList sessions(int index) {
        return sessions[index];
    }

    /** The timer that closes silent sessions of loop {@code index}; use on that loop only. */
    IdleSweeper idleSweeper(int index) {
        return sweepers[index];
    }

    /** Sessions on every loop (a racy sum of volatile sizes; exact when quiescent). */
    public int sessionCount() {
        int n = 0;
        for (MemberList m : sessions) {
            n += m.size();
        }
        return n;
    }
}
