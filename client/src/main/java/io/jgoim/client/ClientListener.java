package io.jgoim.client;

import io.netty.buffer.ByteBuf;

/**
 * Receives what a {@link JgoimClient} hears. Every method is called on the client's event loop thread, one call at
 * a time and in wire order, so it must not block; hand heavy work to another executor. An exception thrown here is
 * logged and does not close the connection. All methods have empty defaults.
 */
public interface ClientListener {
    /**
     * A pushed message: one frame, with op-9 batches and back-to-back TCP frames already split into their inner
     * frames, in order. {@code body} is only valid during the call: copy it, or {@code retain()} it and release it
     * later.
     */
    default void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
    }

    /** The client moved to {@code state}. */
    default void onStateChange(JgoimClient client, ClientState state) {
    }

    /**
     * The client authenticated on the comet at {@code node} ({@code host:port}): after the first connect and after
     * every reconnect, so an application sees a failover move it to another comet. Called after the state became
     * {@link ClientState#CONNECTED}.
     */
    default void onConnected(JgoimClient client, String node) {
    }

    /**
     * A connection ended. {@code willReconnect} is true when the client has scheduled a reconnect; false when it is
     * now {@link ClientState#CLOSED}.
     */
    default void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
    }
}
