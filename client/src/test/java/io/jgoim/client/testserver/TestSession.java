package io.jgoim.client.testserver;

import io.netty.channel.Channel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One authenticated session of the {@link GoimTestServer}: its channel, member, key, room and accepted ops. */
public final class TestSession {
    final Channel channel;
    final boolean webSocket;
    final int ver;
    final long mid;
    final String key;
    volatile String room;
    final Set<Integer> accepts = ConcurrentHashMap.newKeySet();

    TestSession(Channel channel, boolean webSocket, int ver, long mid, String key, String room) {
        this.channel = channel;
        this.webSocket = webSocket;
        this.ver = ver;
        this.mid = mid;
        this.key = key;
        this.room = room;
    }

    /** goim: key, member and broadcast pushes reach a session only for ops it watches; room pushes always do. */
    boolean accepts(int op) {
        return accepts.contains(op);
    }

    public long mid() {
        return mid;
    }

    public String key() {
        return key;
    }

    public String room() {
        return room;
    }

    public int ver() {
        return ver;
    }

    public Set<Integer> accepted() {
        return Set.copyOf(accepts);
    }

    public Channel channel() {
        return channel;
    }
}
