package io.jgoim.comet.index;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A room on this comet: its members split by event loop (one {@link MemberList} per loop, created when the first
 * member on that loop joins), the local online count and the cluster-wide count logic last reported.
 *
 * <p>Threading: a loop's member list changes only on that loop. The online count is atomic and doubles as the room's
 * life: a room whose count went to zero is dead (-1) and can no longer be entered, so the index replaces it; this
 * closes the race between the last member leaving and a new member joining on another loop.
 */
public final class Room {
    private final String id;
    private final AtomicReferenceArray<MemberList> shards;
    private final AtomicInteger online = new AtomicInteger();
    private volatile int clusterOnline;
    /** The room stream position this comet last handed to the room's members. */
    private final ForwardedPosition forwarded = new ForwardedPosition();

    Room(String id, int loops) {
        this.id = id;
        this.shards = new AtomicReferenceArray<>(loops);
    }

    public String id() {
        return id;
    }

    /** Reserves a place for a joining member; false when the room is dead (take a fresh one). */
    boolean tryEnter() {
        for (;;) {
            int n = online.get();
            if (n < 0) {
                return false;
            }
            if (online.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a place back; true when this emptied the room, which is now dead and must leave its bucket. */
    boolean exit() {
        return online.decrementAndGet() == 0 && online.compareAndSet(0, -1);
    }

    /** Adds a member after {@link #tryEnter()}. On the member's event loop. */
    void add(Session s) {
        int loop = s.loopIndex();
        MemberList list = shards.get(loop);
        if (list == null) {
            list = new MemberList(true);
            shards.set(loop, list);
        }
        list.add(s);
    }

    /** Removes a member; call {@link #exit()} after. On the member's event loop. */
    boolean remove(Session s) {
        MemberList list = shards.get(s.loopIndex());
        return list != null && list.remove(s);
    }

    /** The members on one event loop, or null if none ever joined there. */
    public MemberList shard(int loopIndex) {
        return shards.get(loopIndex);
    }

    public int loops() {
        return shards.length();
    }

    /** Members on this comet. */
    public int online() {
        return Math.max(0, online.get());
    }

    /** The count a heartbeat reply carries: the cluster-wide count when logic reported one, else the local count. */
    public int heartbeatOnline() {
        int all = clusterOnline;
        return all > 0 ? all : online();
    }

    /**
     * A positioned batch of {@code count} messages from {@code first} in {@code epoch} is about to go to the room's
     * members: how many of its leading messages this room already handed them ({@link ForwardedPosition}), which
     * must not be written again. Any thread.
     */
    public int alreadyForwarded(long epoch, long first, int count) {
        return forwarded.repeated(epoch, first, count);
    }

    /** Sets the cluster-wide count from logic's RenewOnline reply. */
    void clusterOnline(int count) {
        this.clusterOnline = count;
    }

    @Override
    public String toString() {
        return "Room{" + id + ", online=" + online() + '}';
    }
}
