package io.jgoim.comet.index;

/**
 * A dense list of the sessions of one event loop: either all of that loop's sessions or one room's members on that
 * loop. Add and remove are O(1) (a removed member's slot takes the last member; each session remembers its slot), and
 * iteration walks one array, so a fan-out task touches nothing but the members it writes to.
 *
 * <p>Mutated only by the index, on its event loop; {@link #size()} is volatile so other threads can skip empty lists
 * without a task. Holds references only.
 */
public final class MemberList {
    private static final Session[] EMPTY = new Session[0];

    private final boolean roomList;
    private Session[] members = EMPTY;
    private volatile int size;

    /** @param roomList true for a room's list (uses the session's room slot), false for a loop's list */
    MemberList(boolean roomList) {
        this.roomList = roomList;
    }

    /** Appends {@code s}. Event loop only. */
    void add(Session s) {
        int n = size;
        if (n == members.length) {
            Session[] grown = new Session[Math.max(4, n << 1)];
            System.arraycopy(members, 0, grown, 0, n);
            members = grown;
        }
        members[n] = s;
        slot(s, n);
        size = n + 1;
    }

    /** Removes {@code s} if it is a member; false otherwise. Event loop only. */
    boolean remove(Session s) {
        int i = roomList ? s.roomSlot() : s.loopSlot();
        int n = size;
        if (i < 0 || i >= n || members[i] != s) {
            return false;
        }
        int last = n - 1;
        Session moved = members[last];
        members[i] = moved;
        slot(moved, i);
        members[last] = null;
        slot(s, -1);
        size = last;
        if (last == 0) {
            members = EMPTY;
        } else if (members.length >= 64 && last < members.length >>> 2) {
            Session[] shrunk = new Session[members.length >>> 1];
            System.arraycopy(members, 0, shrunk, 0, last);
            members = shrunk;
        }
        return true;
    }

    /** The member at {@code i}, 0 &lt;= i &lt; size. Event loop only. */
    public Session get(int i) {
        return members[i];
    }

    public int size() {
        return size;
    }

    private void slot(Session s, int i) {
        if (roomList) {
            s.roomSlot(i);
        } else {
            s.loopSlot(i);
        }
    }
}
