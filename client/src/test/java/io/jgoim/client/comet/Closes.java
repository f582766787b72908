package io.jgoim.client.comet;

import io.jgoim.client.ClientListener;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records one client's closes (with whether the SDK said it would reconnect) and the nodes it connected to, in
 * order. Written on the client's event loop, read by the test thread.
 */
final class Closes implements ClientListener {
    final List<CloseStatus> all = new CopyOnWriteArrayList<>();
    final List<Boolean> willReconnect = new CopyOnWriteArrayList<>();
    final List<String> nodes = new CopyOnWriteArrayList<>();

    @Override
    public void onClose(JgoimClient client, CloseStatus status, boolean reconnect) {
        all.add(status);
        willReconnect.add(reconnect);
    }

    @Override
    public void onConnected(JgoimClient client, String node) {
        nodes.add(node);
    }
}
