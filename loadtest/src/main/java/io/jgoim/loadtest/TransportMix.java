package io.jgoim.loadtest;

import io.jgoim.client.Transport;

/** Which transport each load session uses: all TCP, all WebSocket, or alternating (even index TCP, odd WebSocket). */
public enum TransportMix {
    TCP, WS, MIX;

    /** The transport of session {@code index}. */
    public Transport of(long index) {
        return switch (this) {
            case TCP -> Transport.TCP;
            case WS -> Transport.WEBSOCKET;
            case MIX -> index % 2 == 0 ? Transport.TCP : Transport.WEBSOCKET;
        };
    }
}
