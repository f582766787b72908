package io.jgoim.comet.transport;

import io.jgoim.comet.config.OriginAllowList;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RefusedUpgradeTest {
    private static final RefusedUpgrade.Listener LISTENER = new RefusedUpgrade.Listener(new RefusalReplies(300),
            "/sub", OriginAllowList.parse(List.of("http://127.0.0.1:*"), "webSocket.allowedOrigins"),
            TimeUnit.SECONDS.toNanos(8));

    private static EmbeddedChannel refused(Refusal r, int acceptSeconds) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(PipelineNames.HTTP, new HttpServerCodec())
                .addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(8192))
                .addLast(PipelineNames.REFUSED, new RefusedUpgrade(LISTENER, r, acceptSeconds));
        return ch;
    }

    private static ByteBuf request(String path, String origin) {
        return Unpooled.copiedBuffer("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n",
                StandardCharsets.US_ASCII);
    }

    private static ByteBuf written(EmbeddedChannel ch) {
        CompositeByteBuf all = Unpooled.compositeBuffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.addComponent(true, b);
        }
        return all;
    }

    @Test
    void shouldCompleteTheUpgradeThenSendTheCloseFrameAndClose() {
        EmbeddedChannel ch = refused(Refusal.IP_BANNED, 0);
        ch.writeInbound(request("/sub", "http://127.0.0.1:3111"));
        ByteBuf out = written(ch);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        String head = text.substring(0, text.indexOf("\r\n\r\n") + 4);
        assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                .doesNotContain("Sec-WebSocket-Protocol");
        out.skipBytes(head.length());
        String reason = CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 300);
        assertThat(out.readUnsignedByte()).isEqualTo((short) 0x88);
        assertThat((int) out.readUnsignedByte()).isEqualTo(2 + reason.length());
        assertThat(out.readUnsignedShort()).isEqualTo(CloseCode.BANNED.code());
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(reason);
        out.release();
        assertThat(ch.pipeline().get(PipelineNames.HTTP)).as("no HTTP parsing of what follows").isNull();
        assertThat(ch.isActive()).isFalse();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldNameTheSecondTheNodeBucketBooked() {
        EmbeddedChannel ch = refused(Refusal.ACCEPT_RATE, 7);
        ch.writeInbound(request("/sub", null));
        ByteBuf out = written(ch);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .endsWith(CloseReasons.withRetryAfter(CloseCode.CONNECT_RATE_LIMITED.reason(), 7));
        out.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldAnswerWhatItWouldNotUpgradeWithTheHttpRefusal() {
        for (ByteBuf req : List.of(request("/other", null), request("/sub", "https://evil.example"),
                Unpooled.copiedBuffer("GET /sub HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII))) {
            EmbeddedChannel ch = refused(Refusal.IP_CONNECTIONS, 0);
            ch.writeInbound(req);
            ByteBuf out = written(ch);
            assertThat(out.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 429 Too Many Requests\r\n")
                    .contains("Retry-After: 10\r\n").contains("X-Jgoim-Close-Code: 4017\r\n");
            out.release();
            assertThat(ch.isActive()).isFalse();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void shouldCloseAClientThatSendsNoRequestAtTheHandshakeTimeout() {
        EmbeddedChannel ch = refused(Refusal.IP_CONNECTIONS, 0);
        ch.advanceTimeBy(7, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isFalse();
        assertThat((Object) ch.readOutbound()).as("a bare close").isNull();
        ch.finishAndReleaseAll();
    }
}
