package io.jgoim.comet.transport;

import io.jgoim.comet.config.OriginAllowList;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LeakCheck.class)
class OriginCheckHandlerTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CometMetrics metrics = new CometMetrics(registry);
    private final OriginCheckHandler handler = new OriginCheckHandler(
            OriginAllowList.parse(List.of("https://app.example.com"), "webSocket.allowedOrigins"), metrics);

    private static FullHttpRequest upgrade(String origin) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/sub");
        r.headers().set(HttpHeaderNames.UPGRADE, "websocket");
        if (origin != null) {
            r.headers().set(HttpHeaderNames.ORIGIN, origin);
        }
        return r;
    }

    @Test
    void shouldRegisterTheRefusalCounterAtZero() {
        assertThat(registry.scrape()).contains("jgoim_comet_ws_origin_refused_total 0");
        assertThat(metrics.originsRefused()).isZero();
    }

    @Test
    void shouldPassAnAllowedOriginAndARequestWithoutOne() {
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        for (String origin : new String[] {"https://app.example.com", null}) {
            FullHttpRequest request = upgrade(origin);
            ch.writeInbound(request);
            FullHttpRequest passed = ch.readInbound();
            assertThat(passed).isSameAs(request);
            passed.release();
        }
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.isActive()).isTrue();
        assertThat(metrics.originsRefused()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void shouldAnswerAForeignOriginWith403AndCloseWithoutPassingTheRequestOn() {
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        FullHttpRequest request = upgrade("https://évil.example");
        ch.writeInbound(request);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(request.refCnt()).isZero();
        FullHttpResponse r = ch.readOutbound();
        assertThat(r.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(r.content().toString(StandardCharsets.US_ASCII)).isEqualTo("origin not allowed\n");
        assertThat(r.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(r.content().readableBytes());
        assertThat(r.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        r.release();
        assertThat(ch.isActive()).isFalse();
        assertThat(metrics.originsRefused()).isEqualTo(1);
        assertThat(registry.scrape()).contains("jgoim_comet_ws_origin_refused_total 1");
    }

    @Test
    void shouldLeaveThePipelineWhenTheUpgradeCompletes() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(PipelineNames.WS_ORIGIN, handler);
        ch.pipeline().addLast(PipelineNames.WS_CODEC, new WsSessionCodec(4096));
        ch.pipeline().fireUserEventTriggered(new WebSocketServerProtocolHandler.HandshakeComplete("/sub",
                EmptyHttpHeaders.INSTANCE, null));
        assertThat(ch.pipeline().get(PipelineNames.WS_ORIGIN)).isNull();
        assertThat(ch.pipeline().get(PipelineNames.WS_CODEC)).isNotNull();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldCountEveryRefusal() {
        for (int i = 0; i < 50; i++) {
            EmbeddedChannel ch = new EmbeddedChannel(handler);
            ch.writeInbound(upgrade("null"));
            FullHttpResponse r = ch.readOutbound();
            assertThat(r.status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
            r.release();
        }
        assertThat(metrics.originsRefused()).isEqualTo(50);
    }
}
