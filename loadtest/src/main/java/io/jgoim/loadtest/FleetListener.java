package io.jgoim.loadtest;

import io.jgoim.client.ClientListener;
import io.jgoim.client.ClientState;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;

/**
 * The listener of each {@link SessionFleet} client: keeps the fleet's open-session gauge, counts a close the scenario
 * did not ask for as a drop, and passes every event on to the scenario's own listener, if any. Apart from the fleet,
 * which opens sessions; one per client (as before), called on the client's event loop.
 */
final class FleetListener implements ClientListener {
private final SessionFleet fleet;
private final ClientListener pushes;

FleetListener(SessionFleet fleet, ClientListener pushes) {
    this.fleet = fleet;
    this.pushes = pushes;
}

    @Override
    public void onPush(JgoimClient client, int op, int seq, io.netty.buffer.ByteBuf body) {
        if (pushes != null) {
            pushes.onPush(client, op, seq, body);
        }
    }

    @Override
    public void onPublication(JgoimClient client, String stream, long epoch, long offset, int op,
                              io.netty.buffer.ByteBuf body) {
        if (pushes != null) {
            pushes.onPublication(client, stream, epoch, offset, op, body);
        }
    }

    @Override
    public void onStreamState(JgoimClient client, io.jgoim.protocol.stream.StreamState state) {
        if (pushes != null) {
            pushes.onStreamState(client, state);
        }
    }

    @Override
    public void onConnected(JgoimClient client, String node) {
        if (pushes != null) {
            pushes.onConnected(client, node);
        }
    }

    @Override
    public void onStateChange(JgoimClient client, ClientState state) {
        if (state == ClientState.CONNECTED) {
            fleet.metrics().sessions().incrementAndGet();
        }
        if (pushes != null) {
            pushes.onStateChange(client, state);
        }
    }

    @Override
    public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
        boolean planned = fleet.takeCut(client);
        if (client.reconnects() > 0 || client.authNanos() > 0) {
            fleet.metrics().sessions().decrementAndGet();
            if (!fleet.isClosing() && !planned) {
                fleet.metrics().counter("sessions.dropped").increment();
                fleet.metrics().fail("dropped: " + FailureReasons.of(status));
            }
        }
        if (pushes != null) {
            pushes.onClose(client, status, willReconnect);
        }
    }
}
