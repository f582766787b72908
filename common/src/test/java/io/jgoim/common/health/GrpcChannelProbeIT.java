package io.jgoim.common.health;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.jgoim.testkit.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The comet's probe of logic over a real gRPC channel and server: up while the peer listens, down (with a reason)
 * once it stopped, up again when it listens again on the same port, without a new channel.
 */
@Timeout(60)
class GrpcChannelProbeIT {
    @Test
    void shouldFollowThePeerDownAndBackUp() throws Exception {
        // not port 0: the server comes back on this port, and an ephemeral one could meanwhile be taken as the
        // source port of the probe's own reconnects
        int port = FreePorts.next();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).build().start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        GrpcChannelProbe probe = new GrpcChannelProbe(channel);
        try {
            probe.check().orTimeout(10, TimeUnit.SECONDS).join();

            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            Throwable down = null;
            while (down == null && System.nanoTime() < deadline) {
                try {
                    probe.check().orTimeout(2, TimeUnit.SECONDS).join();
                    Thread.sleep(100);
                } catch (CompletionException e) {
                    down = e.getCause();
                }
            }
            assertThat(down).as("the probe saw the peer go").isNotNull();
            assertThat(NodeHealth.reasonOf(down, 2000)).satisfiesAnyOf(
                    r -> assertThat(r).isEqualTo("cannot connect to 127.0.0.1:" + port),
                    r -> assertThat(r).isEqualTo("no answer within 2000 ms"));

            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)).build().start();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean up = false;
            while (!up && System.nanoTime() < deadline) {
                try {
                    probe.check().orTimeout(2, TimeUnit.SECONDS).join();
                    up = true;
                } catch (CompletionException e) {
                    Thread.sleep(100);
                }
            }
            assertThat(up).as("the probe saw the peer back").isTrue();
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
        assertThatThrownBy(() -> probe.check().join()).hasMessageContaining("is shut down");
    }
}
