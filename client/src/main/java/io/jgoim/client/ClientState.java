package io.jgoim.client;

/**
 * The life cycle of a {@link JgoimClient}: NEW, then CONNECTING (transport) and AUTHENTICATING (op 7 sent), then
 * CONNECTED (op 8 received). A lost connection, or a first connect's refused round of attempts, moves to RECONNECTING
 * while the backoff (or a refusal's retry-after) runs, then back to CONNECTING. CLOSED is final: the application closed
 * the client, the first connect failed for good (terminal code, out of its firstConnectTimeout), or the server sent a
 * terminal close code.
 */
public enum ClientState {
    NEW,
    CONNECTING,
    AUTHENTICATING,
    CONNECTED,
    RECONNECTING,
    CLOSED
}
