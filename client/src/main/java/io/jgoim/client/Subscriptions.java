package io.jgoim.client;

import io.jgoim.protocol.Op;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What one client asked to hear: the room it moved to (op 12) and the ops it watches (op 14/16). The comet forgets
 * both with the connection, so they are re-sent after every re-authentication ({@link #restore()}). Thread-safe:
 * requests come from any thread; the "room was changed" flag is kept on the client's event loop.
 */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(JgoimClient.class);

    private final Requests requests;
    private final EventLoop loop;
    private final Map<Integer, Boolean> watched = new ConcurrentHashMap<>(4);
    private volatile String room;
    // Confined to the event loop: only a room set by changeRoom (not the token's) is re-entered.
    private boolean roomChanged;

    Subscriptions(Requests requests, EventLoop loop) {
        this.requests = requests;
        this.loop = loop;
    }

    CompletableFuture<String> changeRoom(String roomId) {
        byte[] body = roomId.getBytes(StandardCharsets.UTF_8);
        return requests.send(Op.CHANGE_ROOM, Unpooled.wrappedBuffer(body)).thenApply(r -> {
            room = roomId;
            loop.execute(() -> roomChanged = true);
            return r.bodyAsString();
        });
    }

    CompletableFuture<Void> watch(int... ops) {
        return requests.send(Op.SUB, opsBody(ops)).thenAccept(r -> {
            for (int op : ops) {
                watched.put(op, Boolean.TRUE);
            }
        });
    }

    CompletableFuture<Void> unwatch(int... ops) {
        return requests.send(Op.UNSUB, opsBody(ops)).thenAccept(r -> {
            for (int op : ops) {
                watched.remove(op);
            }
        });
    }

    /** The room after the last successful change room, or null. */
    String room() {
        return room;
    }

    /** Re-enters the changed room and re-watches the watched ops on a new connection. Event loop only. */
    void restore() {
        String r = room;
        if (roomChanged && r != null) {
            changeRoom(r).exceptionally(t -> {
                LOG.debug("re-entering room {} after reconnect failed", r, t);
                return null;
            });
        }
        if (!watched.isEmpty()) {
            watch(watched.keySet().stream().mapToInt(Integer::intValue).toArray()).exceptionally(t -> null);
        }
    }

    private static ByteBuf opsBody(int... ops) {
        if (ops.length == 0) {
            throw new IllegalArgumentException("at least one op");
        }
        String s = Arrays.stream(ops).mapToObj(Integer::toString).collect(Collectors.joining(","));
        return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.US_ASCII));
    }
}
