package io.jgoim.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The read deadlines on the event loop's clock: an embedded channel whose time the test moves. */
class RequestDeadlineTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Counter header = registry.counter("header");
    private final Counter body = registry.counter("body");
    private final Counter idle = registry.counter("idle");
    private final List<CompletableFuture<FullHttpResponse>> served = new ArrayList<>();
    private final HttpService service = (request, channel) -> {
        CompletableFuture<FullHttpResponse> f = new CompletableFuture<>();
        served.add(f);
        return f;
    };
    private final EmbeddedChannel ch = new EmbeddedChannel(
            new BoundedHttpAggregator(64, max -> HttpResponses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "")),
            new PipelinedHttpHandler(service, new PipeliningPolicy(4, registry.counter("p"), registry.counter("e")),
                    new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), header,
                            body, idle)));

    @AfterEach
    void finish() {
        ch.finishAndReleaseAll();
    }

    private void advanceSeconds(long seconds) {
        ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }

    /** A socket read that decoded no whole request (writeInbound fires one after its messages). */
    private void readComplete() {
        ch.pipeline().fireChannelReadComplete();
    }

    private void request(String uri) {
        DefaultFullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set(HttpHeaderNames.HOST, "x");
        ch.writeInbound(r);
    }

    private HttpResponseStatus replyStatus() {
        FullHttpResponse r = ch.readOutbound();
        assertThat(r).isNotNull();
        try {
            return r.status();
        } finally {
            r.release();
        }
    }

    @Test
    void shouldRefuseAFreshConnectionThatSendsNoHeadersWithin408() {
        advanceSeconds(9);
        assertThat(ch.isActive()).isTrue();
        advanceSeconds(2);
        assertThat(replyStatus()).isEqualTo(HttpResponseStatus.REQUEST_TIMEOUT);
        assertThat(ch.isActive()).isFalse();
        assertThat(header.count()).isEqualTo(1.0);
    }

    @Test
    void shouldTimeTheWholeBodyFromTheEndOfTheHeaders() {
        request("/1");
        served.get(0).complete(HttpResponses.text(HttpResponseStatus.OK, "1"));
        assertThat(replyStatus()).isEqualTo(HttpResponseStatus.OK);
        HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/2");
        HttpUtil.setContentLength(post, 10);
        ch.writeInbound(post);
        for (int i = 0; i < 5; i++) { // a byte every 5 s: never silent for long, yet the body is late
            advanceSeconds(5);
            ch.writeInbound(new DefaultHttpContent(Unpooled.copiedBuffer("b", StandardCharsets.US_ASCII)));
        }
        assertThat(ch.isActive()).isTrue();
        advanceSeconds(6);
        assertThat(replyStatus()).isEqualTo(HttpResponseStatus.REQUEST_TIMEOUT);
        assertThat(ch.isActive()).isFalse();
        assertThat(body.count()).isEqualTo(1.0);
        assertThat(header.count()).isZero();
    }

    @Test
    void shouldCloseAnIdleConnectionOnlyOnceNoReplyIsDue() {
        request("/slow");
        advanceSeconds(61);
        assertThat(ch.isActive()).as("the reply is due: the client waits for us").isTrue();
        served.get(0).complete(HttpResponses.text(HttpResponseStatus.OK, "late"));
        assertThat(replyStatus()).isEqualTo(HttpResponseStatus.OK);
        advanceSeconds(59);
        assertThat(ch.isActive()).isTrue();
        request("/again");
        served.get(1).complete(HttpResponses.text(HttpResponseStatus.OK, "again"));
        assertThat(replyStatus()).isEqualTo(HttpResponseStatus.OK);
        advanceSeconds(59);
        assertThat(ch.isActive()).as("idle time restarts with each request").isTrue();
        advanceSeconds(62);
        assertThat(ch.isActive()).isFalse();
        assertThat((Object) ch.readOutbound()).as("an idle close sends nothing").isNull();
        assertThat(idle.count()).isEqualTo(1.0);
        assertThat(header.count()).isZero();
    }

    @Test
    void shouldTimeTheNextRequestsHeadFromItsFirstBytes() {
        request("/1");
        served.get(0).complete(HttpResponses.text(HttpResponseStatus.OK, "1"));
        assertThat(replyStatus()).isEqualTo(HttpResponseStatus.OK);
        advanceSeconds(30);
        readComplete(); // a read that brought part of a request line
        advanceSeconds(11);
        assertThat(replyStatus()).isEqualTo(HttpResponseStatus.REQUEST_TIMEOUT);
        assertThat(header.count()).isEqualTo(1.0);
    }

    @Test
    void shouldWaitForASlowLastReplyBeforeClosingThenNotForTheClientToReadIt() {
        DefaultFullHttpRequest last = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/last");
        last.headers().set(HttpHeaderNames.HOST, "x");
        HttpUtil.setKeepAlive(last, false);
        ch.writeInbound(last);
        advanceSeconds(61);
        assertThat(ch.isActive()).as("its reply is still due").isTrue();
        served.get(0).complete(HttpResponses.text(HttpResponseStatus.OK, "last"));
        assertThat(replyStatus()).isEqualTo(HttpResponseStatus.OK);
        assertThat(ch.isActive()).isFalse();
        assertThat(idle.count()).isZero();
    }
}
