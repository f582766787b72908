package io.jgoim.server;

import io.jgoim.client.JgoimClient;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test listener for position-aware clients: records every message with its stream and position
 * ("stream@epoch/offset=body"), every plain push, and every stream state the server reported.
 */
final class Publications extends Pushes {
    /** A message as delivered: stream, epoch, offset, body. */
    record Message(String stream, long epoch, long offset, String body) {
    }

    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<StreamState> states = new CopyOnWriteArrayList<>();
    final Map<String, Integer> connects = new ConcurrentHashMap<>();

    @Override
    public void onPublication(JgoimClient client, String stream, long epoch, long offset, int op, ByteBuf body) {
        messages.add(new Message(stream, epoch, offset, body.toString(StandardCharsets.UTF_8)));
    }

    @Override
    public void onStreamState(JgoimClient client, StreamState state) {
        states.add(state);
    }

    @Override
    public void onConnected(JgoimClient client, String node) {
        connects.merge(node, 1, Integer::sum);
    }

    /** The bodies of {@code stream}'s messages, in delivery order. */
    List<String> bodies(String stream) {
        List<String> out = new ArrayList<>();
        for (Message m : messages) {
            if (m.stream().equals(stream)) {
                out.add(m.body());
            }
        }
        return out;
    }

    /** The offsets of {@code stream}'s messages, in delivery order. */
    List<Long> offsets(String stream) {
        List<Long> out = new ArrayList<>();
        for (Message m : messages) {
            if (m.stream().equals(stream)) {
                out.add(m.offset());
            }
        }
        return out;
    }

    /** The last state reported for {@code stream}, or null. */
    StreamState lastState(String stream) {
        StreamState last = null;
        for (StreamState s : states) {
            if (s.stream().equals(stream)) {
                last = s;
            }
        }
        return last;
    }
}
