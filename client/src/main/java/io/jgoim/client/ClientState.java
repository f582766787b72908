package io.jgoim.client;

/**
 * The life cycle of a {@link JgoimClient}: NEW, then CONNECTING (transport) and AUTHENTICATING (op 7 sent), then
 * CONNECTED (op 8 received). A lost connection moves to RECONNECTING while the backoff runs, then back to CONNECTING.
 * CLOSED is final: the application closed the client, the first connection failed, or the server sent a terminal
 * close code.
 */
public enum ClientState {
    NEW,
    CONNECTING,
    AUTHENTICATING,
    CONNECTED,
    RECONNECTING,
    CLOSED
}
