package io.jgoim.client;

import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the application's {@link ClientListener} so that its exceptions never reach the connection: a throwing
 * listener is logged and the client carries on (a listener bug must not cost the session). Static, so a client pays
 * no object for it; called only on the client's event loop.
 */
final class ListenerCalls {
    // Logged under the client's name, where applications already look for it.
    private static final Logger LOG = LoggerFactory.getLogger(JgoimClient.class);

    private ListenerCalls() {
    }

    static void stateChanged(JgoimClient client, ClientState state) {
        try {
            client.config().listener().onStateChange(client, state);
        } catch (RuntimeException e) {
            LOG.warn("listener onStateChange threw", e);
        }
    }

    static void connected(JgoimClient client, String node) {
        try {
            client.config().listener().onConnected(client, node);
        } catch (RuntimeException e) {
            LOG.warn("listener onConnected threw", e);
        }
    }

    static void closed(JgoimClient client, CloseStatus status, boolean willReconnect) {
        try {
            client.config().listener().onClose(client, status, willReconnect);
        } catch (RuntimeException e) {
            LOG.warn("listener onClose threw", e);
        }
    }

    static void pushed(JgoimClient client, int op, int seq, ByteBuf body) {
        try {
            client.config().listener().onPush(client, op, seq, body);
        } catch (RuntimeException e) {
            LOG.warn("listener onPush threw for op {}", op, e);
        }
    }

    static void published(JgoimClient client, String stream, long epoch, long offset, int op, ByteBuf body) {
        try {
            client.config().listener().onPublication(client, stream, epoch, offset, op, body);
        } catch (RuntimeException e) {
            LOG.warn("listener onPublication threw for {} offset {}", stream, offset, e);
        }
    }

    static void streamState(JgoimClient client, StreamState state) {
        try {
            client.config().listener().onStreamState(client, state);
        } catch (RuntimeException e) {
            LOG.warn("listener onStreamState threw for {}", state.stream(), e);
        }
    }
}
