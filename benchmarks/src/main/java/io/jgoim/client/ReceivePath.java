package io.jgoim.client;

import io.jgoim.protocol.ProtoFrameDecoder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Benchmark access to the SDK's real TCP receive pipeline: the client's frame decoder and its {@link ClientHandler},
 * bound to the {@link Connection} of a real (never connected) {@link JgoimClient} whose listener is given. Lives in
 * the client's package inside the benchmarks module so that the SDK keeps these classes package-private: no public
 * seam exists only for a benchmark. The handler is built with {@code tls} true so that activating the embedded
 * channel does not start an auth; everything after activation (decode, op-9 unpacking, dispatch, listener call) is
 * the production path of a TCP session.
 */
public final class ReceivePath {
    private ReceivePath() {
    }

    /**
     * An embedded channel with the client channels' allocator (use {@code ch.alloc()} for the bytes of a read, as a
     * socket read would) whose inbound bytes go through the client's decoder and handler to {@code listener}.
     */
    public static EmbeddedChannel channel(EventLoopGroup group, ClientListener listener) {
        JgoimClient client = JgoimClient.builder()
                .host("127.0.0.1")
                .port(1)
                .token("{\"mid\":1,\"room_id\":\"live://1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .group(group)
                .listener(listener)
                .build();
        Connection connection = new Connection(client, group, group.next(), new PendingRequests(), () -> {
        });
        EmbeddedChannel ch = new EmbeddedChannel(ProtoFrameDecoder.forServerFrames(),
                new ClientHandler(connection, false, true));
        ch.config().setAllocator(ClientChannelInitializer.ALLOCATOR);
        return ch;
    }
}
