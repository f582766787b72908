package io.jgoim.client;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that records everything it hears, for assertions. */
class RecordingListener implements ClientListener {
    record Push(int op, int seq, String body) {
    }

    record Close(CloseStatus status, boolean willReconnect) {
    }

    final List<Push> pushes = new CopyOnWriteArrayList<>();
    final List<Close> closes = new CopyOnWriteArrayList<>();
    final List<ClientState> states = new CopyOnWriteArrayList<>();

    @Override
    public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
        pushes.add(new Push(op, seq, body.toString(StandardCharsets.UTF_8)));
    }

    @Override
    public void onStateChange(JgoimClient client, ClientState state) {
        states.add(state);
    }

    @Override
    public void onClose(JgoimClient client, CloseStatus status, boolean willReconnect) {
        closes.add(new Close(status, willReconnect));
    }

    List<String> bodies() {
        return pushes.stream().map(Push::body).toList();
    }
}
