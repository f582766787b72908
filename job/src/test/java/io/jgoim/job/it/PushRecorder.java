package io.jgoim.job.it;

import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.protocol.Op;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Records the business pushes (op &ge; 1000) one SDK client receives, in arrival order, and connects goim sessions
 * for job's integration tests: a {@link JgoimClient} over TCP with a goim JSON token, authenticating as a plain goim
 * client (ver 1) that does not reconnect, so a dropped session shows as missing pushes. Listener calls come on the
 * client's event loop; the accessors are thread-safe.
 */
final class PushRecorder implements ClientListener {
    /** One received push. */
    record Frame(int op, String body) {
    }

    private final List<Frame> frames = new CopyOnWriteArrayList<>();

    /** Connects a session of {@code mid}/{@code key} in {@code room}; returns once the comet accepted it. */
    static JgoimClient connect(EventLoopGroup group, InetSocketAddress comet, long mid, String key, String room,
                               ClientListener listener) {
        JgoimClient client = JgoimClient.builder()
                .host(comet.getHostString()).port(comet.getPort()).transport(Transport.TCP)
                .goimToken(mid, key, room, "web", 1000, 1001, 1002)
                .extended(false).reconnect(false)
                .group(group).listener(listener)
                .build();
        try {
            client.connect().orTimeout(10, TimeUnit.SECONDS).join();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    @Override
    public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
        if (op >= Op.BUSINESS_MIN) {
            frames.add(new Frame(op, body.toString(StandardCharsets.UTF_8)));
        }
    }

    /** Pushed frames so far, in arrival order. */
    List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** Bodies of pushed frames with this op, in arrival order. */
    List<String> bodies(int op) {
        return frames.stream().filter(f -> f.op() == op).map(Frame::body).toList();
    }

    int count() {
        return frames.size();
    }
}
