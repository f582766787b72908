package io.jgoim.comet.transport;

import io.jgoim.comet.TestConfigs;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.session.SessionServices;
import io.jgoim.logic.testing.LogicTwin;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** One pipeline-assembly test per initializer: the handlers and their order. */
class ChannelInitializersTest {
    private final CometConfig config = TestConfigs.ephemeral();

    private SessionServices services(EmbeddedChannel owner) {
        return new SessionServices(config, LogicTwin.create().heartbeatSeconds(0),
                new SessionIndex(4, 16, new SessionLoops(owner.eventLoop())), CometMetrics.noop());
    }

    private static List<String> names(EmbeddedChannel ch) {
        return ch.pipeline().names().stream()
                .filter(n -> !n.startsWith("DefaultChannelPipeline") && !n.startsWith("io.netty"))
                .collect(Collectors.toList());
    }

    @Test
    void shouldAssembleTheTcpPipeline() {
        EmbeddedChannel owner = new EmbeddedChannel();
        EmbeddedChannel ch = new EmbeddedChannel(new TcpChannelInitializer(services(owner), null));
        assertThat(names(ch)).containsExactly(PipelineNames.FRAME, PipelineNames.HANDSHAKE,
                PipelineNames.SESSION);
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldAssembleTheWebSocketPipelineWithTls() {
        EmbeddedChannel owner = new EmbeddedChannel();
        EmbeddedChannel ch = new EmbeddedChannel(new WebSocketChannelInitializer(services(owner),
                TlsContexts.server(new CometConfig.TlsConfig("", "", "", "jdk"))));
        assertThat(names(ch)).containsExactly(PipelineNames.TLS, PipelineNames.HTTP, PipelineNames.WS_UPGRADE_TAIL,
                PipelineNames.HTTP_AGGREGATOR,
                PipelineNames.WS_REQUEST_CHECK, PipelineNames.WS_ORIGIN, PipelineNames.WS_PROTOCOL,
                PipelineNames.WS_NOT_FOUND, PipelineNames.WS_CODEC, PipelineNames.HANDSHAKE, PipelineNames.SESSION);
        ch.finishAndReleaseAll();
    }
}
