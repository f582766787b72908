package io.jgoim.loadtest;

import io.jgoim.client.Transport;

/**
 * Which transport each load session uses: all TCP, all WebSocket, or alternating (even index TCP, odd WebSocket);
 * each optionally inside TLS.
 */
public enum TransportMix {
    TCP, WS, MIX;

    /** The transport of session {@code index}. */
    public Transport of(long index) {
        return of(index, false);
    }

    /** The transport of session {@code index}, inside TLS when {@code tls}. */
    public Transport of(long index, boolean tls) {
        boolean ws = this == WS || this == MIX && index % 2 == 1;
        if (tls) {
            return ws ? Transport.WEBSOCKET_TLS : Transport.TCP_TLS;
        }
        return ws ? Transport.WEBSOCKET : Transport.TCP;
    }
}
