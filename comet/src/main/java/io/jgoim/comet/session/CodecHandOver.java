package io.jgoim.comet.session;

import io.jgoim.protocol.FrameReceiver;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.Channel;

import java.util.List;

/**
 * Takes an authenticated session's handler out of its pipeline and hands it to the codec right in front of it (a
 * {@link FrameReceiver.Host}), which then calls it directly: one pipeline context less per idle session. A pipeline
 * where the handler does not directly follow such a codec (tests of the handlers alone) is left as it is. Static;
 * event loop only.
 */
final class CodecHandOver {
    private CodecHandOver() {
    }

    /** Moves {@code receiver} (a handler of {@code ch}'s pipeline) behind the codec in front of it, if there is one. */
    static <R extends ChannelHandler & FrameReceiver> void leavePipeline(Channel ch, R receiver) {
        ChannelPipeline pipeline = ch.pipeline();
        FrameReceiver.Host codec = pipeline.get(FrameReceiver.Host.class);
        ChannelHandlerContext own = pipeline.context(receiver);
        if (codec == null || own == null) {
            return;
        }
        // Only the codec right in front may stand in for this context: a handler between them would be skipped.
        List<String> names = pipeline.names();
        int at = names.indexOf(own.name());
        if (at < 1 || !names.get(at - 1).equals(pipeline.context(codec).name())) {
            return;
        }
        codec.attach(receiver);
        pipeline.remove(receiver);
    }
}
