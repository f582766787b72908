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
    /** The regions of a rolling fan-out pass over this list, or null (none in progress). */
    private Marks marks;

    /**
     * The regions of a rolling fan-out pass over a list: region q is members [starts[q], starts[q + 1]) (the last one
     * ends at the list's size), starts ascending, starts[0] = 0. A removal keeps every other member in its region
     * (the pass knows what each region was written), so a member never moves from a region not yet written into one
     * already written. Owned by the pass; event loop only.
     */
    public static final class Marks {
        public int[] starts = new int[8];
        public int count;
    }

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

    /** Region marks a rolling pass keeps over this list while it is in progress (null: none). Event loop only. */
    public void marks(Marks m) {
        this.marks = m;
    }

    /** Removes {@code s} if it is a member; false otherwise. Event loop only. */
    boolean remove(Session s) {
        int i = roomList ? s.roomSlot() : s.loopSlot();
        int n = size;
        if (i < 0 || i >= n || members[i] != s) {
            return false;
        }
        int last = n - 1;
        int hole = marks == null || marks.count <= 1 ? i : fillAcrossRegions(i, n);
        if (hole != last) {
            Session moved = members[last];
            members[hole] = moved;
            slot(moved, hole);
        }
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

    /**
     * Closes the hole at {@code i} region by region: each region from the hole's on gives its last member to the
     * hole and shrinks by one at its end, the next region starting one slot earlier; returns the hole left in the
     * last region, which its caller fills with the list's last member.
     */
    private int fillAcrossRegions(int i, int n) {
        int[] starts = marks.starts;
        int count = marks.count;
        int r = 0;
        while (r + 1 < count && starts[r + 1] <= i) {
            r++;
        }
        int hole = i;
        for (int q = r; q + 1 < count; q++) {
            int end = starts[q + 1] - 1;
            if (end != hole) {
                Session m = members[end];
                members[hole] = m;
                slot(m, hole);
            }
            hole = end;
            starts[q + 1] = end;
        }
        return hole;
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
