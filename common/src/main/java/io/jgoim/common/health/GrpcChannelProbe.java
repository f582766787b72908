package io.jgoim.common.health;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;

import java.util.concurrent.CompletableFuture;

/**
 * Probes a gRPC peer through the state of the node's own channel to it (a comet's channel to logic): up when the
 * channel is READY or becomes READY within the probe's timeout, down when it fails to connect or was shut down. An
 * idle channel is asked to connect. No RPC is sent.
 */
public final class GrpcChannelProbe implements Probe {
    private final ManagedChannel channel;

    public GrpcChannelProbe(ManagedChannel channel) {
        this.channel = channel;
    }

    @Override
    public CompletableFuture<?> check() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        await(done, channel.getState(true));
        return done;
    }

    private void await(CompletableFuture<Void> done, ConnectivityState state) {
        switch (state) {
            case READY:
                done.complete(null);
                return;
            case SHUTDOWN:
                done.completeExceptionally(new IllegalStateException("channel to " + channel.authority()
                        + " is shut down"));
                return;
            case TRANSIENT_FAILURE:
                done.completeExceptionally(new IllegalStateException("cannot connect to " + channel.authority()));
                return;
            default:
                channel.notifyWhenStateChanged(state, () -> {
                    if (!done.isDone()) {
                        await(done, channel.getState(true));
                    }
                });
        }
    }
}
