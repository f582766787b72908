package io.jgoim.protocol;

import io.netty.channel.ChannelHandler;

/**
 * The last inbound stage of a server connection, called by the codec in front of it instead of through a pipeline
 * context of its own: a context costs each idle connection about 100 bytes, and a comet holds hundreds of thousands
 * of them. Once the pipeline stops changing (after auth) the receiver hands itself to its codec
 * ({@link Host#attach}) and leaves the pipeline; from then on the codec calls these methods where the pipeline would
 * have delivered the events, in the same order. A receiver writes and closes through its
 * {@link io.netty.channel.Channel} (the pipeline's tail), never through the codec's context, so every write still
 * passes the codec's encoder.
 *
 * <p>Called on the channel's event loop only.
 */
public interface FrameReceiver {
    /** A decoded frame; the receiver owns it. */
    void frameRead(Proto frame);

    /** The end of a read pass. */
    void readComplete();

    /** The channel's writability changed. */
    void writabilityChanged();

    /** A failure in or before the codec, or one thrown by this receiver. */
    void failed(Throwable cause);

    /** The channel is closed; the codec delivered what it still held first. */
    void inactive();

    /** A codec that can deliver a channel's inbound events to a {@link FrameReceiver}. */
    interface Host extends ChannelHandler {
        /** Delivers the channel's inbound events to {@code receiver} from now on. Event loop only. */
        void attach(FrameReceiver receiver);
    }
}
