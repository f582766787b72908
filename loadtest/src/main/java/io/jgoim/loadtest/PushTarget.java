package io.jgoim.loadtest;

/** Who a push goes to, as goim's HTTP API names it: a room, member ids, session keys, or everyone. */
public enum PushTarget {
    ROOM, MIDS, KEYS, ALL
}
