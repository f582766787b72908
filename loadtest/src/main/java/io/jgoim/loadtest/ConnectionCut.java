package io.jgoim.loadtest;

import io.jgoim.client.JgoimClient;
import io.netty.channel.Channel;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Cuts a client's connection from the client side as a lost link does: the socket is closed from the head of the
 * client's pipeline (below TLS and WebSocket, so no goodbye or close frame is sent), and the SDK sees the connection
 * end without a close code (1006) and reconnects after its backoff with the same client object, which keeps its
 * session key and stream positions. That is what the resume storm needs: thousands of live clients lose their link at
 * once and come back asking for what they missed.
 *
 * <p>The SDK has no public call for this (an application never needs to break its own link), so the load tool reaches
 * the client's current channel by reflection ({@code JgoimClient.connection}, {@code Connection.channel()}); the
 * resume-storm test fails at once if those names change. Stateless and thread-safe.
 */
final class ConnectionCut {
    private static final Field CONNECTION;
    private static final Method CHANNEL;

    static {
        try {
            CONNECTION = JgoimClient.class.getDeclaredField("connection");
            CONNECTION.setAccessible(true);
            CHANNEL = CONNECTION.getType().getDeclaredMethod("channel");
            CHANNEL.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("the SDK's connection is not where the load tool looks: " + e);
        }
    }

    private ConnectionCut() {
    }

    /** Cuts {@code client}'s connection; false when it has none open (connecting, reconnecting or closed). */
    static boolean cut(JgoimClient client) {
        Channel ch;
        try {
            ch = (Channel) CHANNEL.invoke(CONNECTION.get(client));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the client's channel", e);
        }
        if (ch == null || !ch.isActive()) {
            return false;
        }
        ch.pipeline().firstContext().close();
        return true;
    }
}
