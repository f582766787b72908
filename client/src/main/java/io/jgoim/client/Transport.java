package io.jgoim.client;

/**
 * How a {@link JgoimClient} reaches a comet: plain TCP (goim port 3101), WebSocket on path {@code /sub} (3102), or
 * either one inside TLS (the builder's {@code sslContext}). The goim frames are the same on every transport.
 */
public enum Transport {
    TCP(false, false),
    WEBSOCKET(true, false),
    TCP_TLS(false, true),
    WEBSOCKET_TLS(true, true);

    private final boolean webSocket;
    private final boolean tls;

    Transport(boolean webSocket, boolean tls) {
        this.webSocket = webSocket;
        this.tls = tls;
    }

    public boolean isWebSocket() {
        return webSocket;
    }

    public boolean isTls() {
        return tls;
    }
}
