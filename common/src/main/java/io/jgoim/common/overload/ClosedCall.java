package io.jgoim.common.overload;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * A call that never reaches the network: it closes with its status as soon as it is started, and ignores everything
 * else. What the throttle hands back for a call it refuses locally. Immutable.
 */
final class ClosedCall<Q, R> extends ClientCall<Q, R> {
    private final Status status;

    ClosedCall(Status status) {
        this.status = status;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
        listener.onClose(status, new Metadata());
    }

    @Override
    public void request(int numMessages) {
    }

    @Override
    public void cancel(String message, Throwable cause) {
    }

    @Override
    public void halfClose() {
    }

    @Override
    public void sendMessage(Q message) {
    }
}
