package io.jgoim.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;

import static org.assertj.core.api.Assertions.assertThat;

class PipelinedHttpHandlerTest {
    private static final int MAX_PIPELINED = 4;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Counter pauses = registry.counter("pauses");
    private final Counter errors = registry.counter("errors");
    private final HttpTimeouts timeouts = new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), registry.counter("header"), registry.counter("body"), registry.counter("idle"));
    /** One future per request served, in request order; the test completes them. */
    private final List<CompletableFuture<FullHttpResponse>> served = new ArrayList<>();
    private final List<String> uris = new ArrayList<>();
    private final HttpService service = (request, channel) -> {
        uris.add(request.uri());
        CompletableFuture<FullHttpResponse> f = new CompletableFuture<>();
        served.add(f);
        return f;
    };
    private final EmbeddedChannel ch = new EmbeddedChannel(
            new PipelinedHttpHandler(service, new PipeliningPolicy(MAX_PIPELINED, pauses, errors), timeouts));

    @AfterEach
    void finish() {
        ch.finishAndReleaseAll();
    }

    private static FullHttpRequest get(String uri) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        r.headers().set(HttpHeaderNames.HOST, "x");
        return r;
    }

    private static FullHttpResponse text(String body) {
        return HttpResponses.text(HttpResponseStatus.OK, body);
    }

    private String readBody() {
        FullHttpResponse r = ch.readOutbound();
        assertThat(r).isNotNull();
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void shouldWriteRepliesInRequestOrderWhateverOrderTheyComplete() {
        ch.writeInbound(get("/1"), get("/2"), get("/3"));
        served.get(2).complete(text("3"));
        served.get(1).complete(text("2"));
        assertThat((Object) ch.readOutbound()).isNull();
        served.get(0).complete(text("1"));
        assertThat(List.of(readBody(), readBody(), readBody())).containsExactly("1", "2", "3");
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void shouldPauseReadingAtTheBoundAndResumeAtHalf() {
        ch.writeInbound(get("/1"), get("/2"), get("/3"));
        assertThat(ch.config().isAutoRead()).isTrue();
        ch.writeInbound(get("/4"));
        assertThat(ch.config().isAutoRead()).isFalse();
        assertThat(pauses.count()).isEqualTo(1.0);
        served.get(0).complete(text("1"));
        assertThat(ch.config().isAutoRead()).isFalse(); // 3 still due: above half
        served.get(1).complete(text("2"));
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(List.of(readBody(), readBody())).containsExactly("1", "2");
    }

    @Test
    void shouldCloseAfterAConnectionCloseReplyAndServeNothingAfterIt() {
        FullHttpRequest last = get("/last");
        HttpUtil.setKeepAlive(last, false);
        ch.writeInbound(get("/1"), last, get("/ignored"));
        assertThat(uris).containsExactly("/1", "/last");
        assertThat(ch.config().isAutoRead()).isFalse();
        served.get(1).complete(text("last"));
        assertThat(ch.isActive()).isTrue(); // waits behind /1
        served.get(0).complete(text("1"));
        FullHttpResponse first = ch.readOutbound();
        assertThat(HttpUtil.isKeepAlive(first)).isTrue();
        first.release();
        FullHttpResponse closing = ch.readOutbound();
        assertThat(closing.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo(HttpHeaderValues.CLOSE.toString());
        closing.release();
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldAnswerAnUndecodableRequestWithTheServicesAnswerAndClose() {
        FullHttpRequest bad = get("/bad");
        bad.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad header")));
        ch.writeInbound(bad);
        assertThat(uris).isEmpty();
        FullHttpResponse r = ch.readOutbound();
        assertThat(r.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        r.release();
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldAnswer500WhenTheServiceFailsOrThrows() {
        HttpService throwing = (request, channel) -> {
            throw new IllegalStateException("bug");
        };
        EmbeddedChannel other = new EmbeddedChannel(
                new PipelinedHttpHandler(throwing, new PipeliningPolicy(MAX_PIPELINED, pauses, errors), timeouts));
        other.writeInbound(get("/x"));
        FullHttpResponse r = other.readOutbound();
        assertThat(r.status()).isEqualTo(HttpResponseStatus.INTERNAL_SERVER_ERROR);
        r.release();
        other.finishAndReleaseAll();

        ch.writeInbound(get("/y"));
        served.get(0).completeExceptionally(new IllegalStateException("bug"));
        FullHttpResponse failed = ch.readOutbound();
        assertThat(failed.status()).isEqualTo(HttpResponseStatus.INTERNAL_SERVER_ERROR);
        failed.release();
        assertThat(ch.isActive()).isTrue();
    }

    @Test
    void shouldReleaseRepliesDueAfterTheClientLeft() {
        ch.writeInbound(get("/1"));
        ch.close();
        FullHttpResponse late = text("late");
        served.get(0).complete(late);
        assertThat(late.refCnt()).isZero();
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void shouldAnswerEveryRequestReadBeforeAHalfCloseThenClose() {
        ch.writeInbound(get("/1"), get("/2"));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(ch.isActive()).isTrue(); // both replies still due
        served.get(0).complete(text("1"));
        FullHttpResponse first = ch.readOutbound();
        assertThat(HttpUtil.isKeepAlive(first)).isTrue();
        first.release();
        assertThat(ch.isActive()).isTrue();
        served.get(1).complete(text("2"));
        FullHttpResponse last = ch.readOutbound();
        assertThat(last.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo(HttpHeaderValues.CLOSE.toString());
        last.release();
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldCloseAtOnceOnAHalfCloseWithNoReplyDue() {
        ch.writeInbound(get("/1"));
        served.get(0).complete(text("1"));
        readBody();
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldRefuseABodyCutShortByAHalfCloseBehindEarlierRepliesThenClose() {
        EmbeddedChannel bounded = new EmbeddedChannel(
                new BoundedHttpAggregator(64, max -> HttpResponses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "over " + max)),
                new PipelinedHttpHandler(service, new PipeliningPolicy(MAX_PIPELINED, pauses, errors), timeouts));
        bounded.writeInbound(get("/1"));
        HttpRequest cut = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/cut");
        HttpUtil.setContentLength(cut, 10);
        bounded.writeInbound(cut, new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[3])));
        bounded.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(bounded.isActive()).isTrue(); // the refusal waits for /1's reply
        served.get(0).complete(text("1"));
        FullHttpResponse first = bounded.readOutbound();
        first.release();
        FullHttpResponse refused = bounded.readOutbound();
        assertThat(refused.status()).isEqualTo(HttpResponseStatus.BAD_REQUEST);
        assertThat(refused.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo(HttpHeaderValues.CLOSE.toString());
        refused.release();
        assertThat(bounded.isActive()).isFalse();
        assertThat(uris).containsExactly("/1");
        assertThat(errors.count()).isZero(); // answered, not a connection error
        bounded.finishAndReleaseAll();
    }

    @Test
    void shouldCountAndCloseOnAConnectionError() {
        ch.writeInbound(get("/1"));
        ch.pipeline().fireExceptionCaught(new SSLException("not a TLS record"));
        assertThat(errors.count()).isEqualTo(1.0);
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldCloseWithoutCountingAnErrorWhenThePeerResetsWithNothingUnanswered() {
        ch.writeInbound(get("/1"));
        served.get(0).complete(text("one"));
        assertThat(readBody()).isEqualTo("one");
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertThat(errors.count()).isZero();
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldCountAPeerThatResetsWithARequestUnanswered() {
        ch.writeInbound(get("/1"));
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertThat(errors.count()).as("a request given up by its client").isEqualTo(1.0);
        assertThat(ch.isActive()).isFalse();
    }

    @Test
    void shouldAnswerAnOversizedBodyBehindEarlierRepliesThenClose() {
        EmbeddedChannel bounded = new EmbeddedChannel(
                new BoundedHttpAggregator(4, max -> HttpResponses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "over " + max)),
                new PipelinedHttpHandler(service, new PipeliningPolicy(MAX_PIPELINED, pauses, errors), timeouts));
        bounded.writeInbound(get("/1"));
        HttpRequest big = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/big");
        HttpUtil.setContentLength(big, 10);
        bounded.writeInbound(big, new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[10])));
        assertThat((Object) bounded.readOutbound()).isNull(); // the 413 waits for /1's reply
        served.get(0).complete(text("1"));
        FullHttpResponse first = bounded.readOutbound();
        first.release();
        FullHttpResponse tooLarge = bounded.readOutbound();
        assertThat(tooLarge.status()).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        assertThat(tooLarge.content().toString(StandardCharsets.UTF_8)).isEqualTo("over 4");
        tooLarge.release();
        assertThat(bounded.isActive()).isFalse();
        assertThat(uris).containsExactly("/1");
        bounded.finishAndReleaseAll();
    }

    /** The listener's pipeline as logic builds it: Netty's codec, the bounded aggregator, this handler. */
    private EmbeddedChannel wire() {
        return new EmbeddedChannel(new io.netty.handler.codec.http.HttpServerCodec(),
                new BoundedHttpAggregator(1024, max -> HttpResponses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                        "over " + max)),
                new PipelinedHttpHandler(service, new PipeliningPolicy(MAX_PIPELINED, pauses, errors), timeouts));
    }

    /** Everything {@code c} wrote, as text. */
    private static String written(EmbeddedChannel c) {
        StringBuilder out = new StringBuilder();
        for (io.netty.buffer.ByteBuf b; (b = c.readOutbound()) != null; ) {
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void shouldRefuseATransferCodingOtherThanChunkedBehindEarlierRepliesThenClose() {
        // ("chunked, chunked" Netty's decoder refuses itself: malformed, 400 as well)
        for (String coding : new String[] {"gzip, chunked", "identity", "gzip", "deflate,chunked"}) {
            EmbeddedChannel c = wire();
            served.clear();
            uris.clear();
            c.writeInbound(Unpooled.copiedBuffer("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /coded HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding
                    + "\r\n\r\n4\r\nbody\r\n0\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n",
                    StandardCharsets.ISO_8859_1));
            assertThat(uris).as(coding).containsExactly("/1"); // the coded request and what follows are not served
            served.get(0).complete(text("one"));
            String out = written(c);
            assertThat(out).as(coding).startsWith("HTTP/1.1 200 OK").contains("one")
                    .contains("HTTP/1.1 400 Bad Request");
            if (coding.endsWith("chunked")) { // Netty read the body as chunked: this handler refuses the coding
                assertThat(out).as(coding).contains("Transfer-Encoding '" + coding
                        + "' is not supported: send a Content-Length or Transfer-Encoding: chunked");
            } // (otherwise Netty's decoder finds no length and refuses what follows as malformed itself)
            assertThat(c.isActive()).as(coding).isFalse();
            c.finishAndReleaseAll();
        }
    }

    @Test
    void shouldServeAChunkedBodyAndAnHttp10RequestWithoutHost() {
        List<String> bodies = new ArrayList<>();
        HttpService echo = (request, channel) -> {
            bodies.add(request.content().toString(StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(text("ok"));
        };
        EmbeddedChannel c = new EmbeddedChannel(new io.netty.handler.codec.http.HttpServerCodec(),
                new BoundedHttpAggregator(1024, max -> text("over")),
                new PipelinedHttpHandler(echo, new PipeliningPolicy(MAX_PIPELINED, pauses, errors), timeouts));
        c.writeInbound(Unpooled.copiedBuffer("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
                + "4\r\nbody\r\n0\r\n\r\nGET /old HTTP/1.0\r\n\r\n", StandardCharsets.ISO_8859_1));
        assertThat(bodies).containsExactly("body", "");
        String out = written(c);
        assertThat(out).doesNotContain("400");
        c.finishAndReleaseAll();
    }

    @Test
    void shouldRefuseAnHttp11RequestWithoutExactlyOneHost() {
        for (String hosts : new String[] {"", "Host: x\r\nHost: y\r\n", "Host: x\r\nHost: x\r\n"}) {
            EmbeddedChannel c = wire();
            uris.clear();
            c.writeInbound(Unpooled.copiedBuffer("GET /h HTTP/1.1\r\n" + hosts + "\r\n",
                    StandardCharsets.ISO_8859_1));
            assertThat(uris).as(hosts).isEmpty();
            assertThat(written(c)).as(hosts).startsWith("HTTP/1.1 400 Bad Request")
                    .contains("an HTTP/1.1 request needs exactly one Host header, it has "
                            + (hosts.isEmpty() ? 0 : 2));
            assertThat(c.isActive()).isFalse();
            c.finishAndReleaseAll();
        }
    }

    @Test
    void shouldServeAnAbsoluteFormTargetByItsPath() {
        ch.writeInbound(get("http://node:3111/goim/online/total?x=1"), get("HTTPS://node"), get("http://n?q=2"),
                get("/plain"));
        assertThat(uris).containsExactly("/goim/online/total?x=1", "/", "/?q=2", "/plain");
        assertThat(RequestFraming.originForm("/goim/x")).isNull();
        assertThat(RequestFraming.originForm("httpx://a/b")).isNull();
        assertThat(RequestFraming.originForm("http://a#f")).isEqualTo("/#f");
    }
}
