package io.jgoim.client;

import io.jgoim.protocol.stream.StreamState;
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

    /**
     * A message of a stream, for a client built with {@code positions(true)}: it arrived in an op-20 frame, at
     * {@code offset} of {@code stream} in {@code epoch}, and is new to this client (duplicates, offset at or below
     * the last one delivered in the same epoch, are dropped before this call). Called in stream order, also for the
     * messages a resume recovers after a reconnect. {@code op} is the message's business op; {@code body} is only
     * valid during the call.
     *
     * <p>The default hands the message to {@link #onPush} with seq 0, so a listener that only implements
     * {@code onPush} gets every message once; override this method to see positions, and then {@code onPush} receives
     * only the pushes that carry none (streams without history, broadcasts, key pushes, and every push from a server
     * that does not speak ver 3).
     */
    default void onPublication(JgoimClient client, String stream, long epoch, long offset, int op, ByteBuf body) {
        onPush(client, op, 0, body);
    }

    /**
     * Where a stream stands, for a client built with {@code positions(true)}: once per stream the session has after
     * each auth (from the auth reply), and whenever the server reports a change inside the session (op 21: a gap it
     * could not fill, a new epoch, a room change). {@link StreamState#recovered()} true: every message missed while
     * disconnected follows through {@link #onPublication}. Otherwise {@link StreamState#code()} says why not
     * (an {@link io.jgoim.protocol.ErrorCode}: EPOCH_CHANGED, HISTORY_TOO_SHORT, POSITION_AHEAD, HISTORY_OFF,
     * STREAM_FORBIDDEN; 0 for a stream the client held no position of): messages may be missing, so reload the
     * stream's state from the application's source of truth. The stream continues after the state's position.
     */
    default void onStreamState(JgoimClient client, StreamState state) {
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
     * A connection ended, or an attempt of the first connect was refused or failed. {@code willReconnect} is true
     * when the client has scheduled another attempt ({@link JgoimClient#retryDelay()} says after how long: a refusal's
     * retry-after, the backoff, or zero for the next address); false when it is now {@link ClientState#CLOSED}.
     */
    default void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
    }
}
