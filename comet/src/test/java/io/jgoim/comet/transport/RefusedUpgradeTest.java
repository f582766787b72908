package io.jgoim.comet.transport;

import io.jgoim.comet.config.OriginAllowList;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.jgoim.testkit.LeakCheck;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refused upgrade on its two pipelines: alone at accept, scanning the raw request ({@code behindCodec} false),
 * and behind the listener's HTTP codec and aggregator after a PROXY or X-Forwarded-For header (true).
 */
@ExtendWith(LeakCheck.class)
class RefusedUpgradeTest {
    private static final RefusedUpgrade.Listener LISTENER = new RefusedUpgrade.Listener(new RefusalReplies(300),
            "/sub", OriginAllowList.parse(List.of("http://127.0.0.1:*"), "webSocket.allowedOrigins"),
            TimeUnit.SECONDS.toNanos(2));
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; // RFC 6455 1.3's example

    private static EmbeddedChannel refused(Refusal r, int acceptSeconds, boolean behindCodec) {
        EmbeddedChannel ch = new EmbeddedChannel();
        if (behindCodec) {
            ch.pipeline().addLast(PipelineNames.HTTP, new HttpServerCodec())
                    .addLast(PipelineNames.HTTP_AGGREGATOR, new HttpObjectAggregator(8192));
        }
        ch.pipeline().addLast(PipelineNames.REFUSED, new RefusedUpgrade(LISTENER, r, acceptSeconds));
        return ch;
    }

    private static String request(String path, String origin) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static ByteBuf written(EmbeddedChannel ch) {
        CompositeByteBuf all = Unpooled.compositeBuffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            all.addComponent(true, b);
        }
        return all;
    }

    /** Asserts the 101 with RFC 6455's accept for {@link #KEY}, then the close frame of {@code code}. */
    private static void assertUpgradedAndClosed(EmbeddedChannel ch, CloseCode code, String reason) {
        ByteBuf out = written(ch);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        assertThat(text).as("a 101 then a close frame").contains("\r\n\r\n");
        String head = text.substring(0, text.indexOf("\r\n\r\n") + 4);
        assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .contains("Sec-WebSocket-Accept: " + ACCEPT + "\r\n")
                .doesNotContain("Sec-WebSocket-Protocol");
        out.skipBytes(head.length());
        assertThat(out.readUnsignedByte()).isEqualTo((short) 0x88);
        assertThat((int) out.readUnsignedByte()).isEqualTo(2 + reason.length());
        assertThat(out.readUnsignedShort()).isEqualTo(code.code());
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(reason);
        out.release();
        assertThat(ch.pipeline().get(PipelineNames.HTTP)).as("no HTTP parsing of what follows").isNull();
        assertThat(ch.isActive()).isFalse();
    }

    private static void assertHttpRefusal(EmbeddedChannel ch) {
        ByteBuf out = written(ch);
        assertThat(out.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 429 Too Many Requests\r\n")
                .contains("Retry-After: 10\r\n").contains("X-Jgoim-Close-Code: 4017\r\n");
        out.release();
        assertThat(ch.isActive()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldCompleteTheUpgradeThenSendTheCloseFrameAndClose(boolean behindCodec) {
        EmbeddedChannel ch = refused(Refusal.IP_BANNED, 0, behindCodec);
        ch.writeInbound(bytes(request("/sub", "http://127.0.0.1:3111")));
        assertUpgradedAndClosed(ch, CloseCode.BANNED, CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 300));
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://x/sub", "HTTP://x:3102/sub", "https://x/sub"})
    void shouldUpgradeAnAbsoluteFormTargetThenCloseAsTheListenerWould(String target) {
        // the listener takes the absolute form by its path (RFC 6455 4.1), so its refusal is the close frame too
        for (boolean behindCodec : new boolean[] {false, true}) {
            EmbeddedChannel ch = refused(Refusal.IP_BANNED, 0, behindCodec);
            ch.writeInbound(bytes(request(target, null)));
            assertUpgradedAndClosed(ch, CloseCode.BANNED,
                    CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 300));
            ch.finishAndReleaseAll();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldNameTheSecondTheNodeBucketBooked(boolean behindCodec) {
        EmbeddedChannel ch = refused(Refusal.ACCEPT_RATE, 7, behindCodec);
        ch.writeInbound(bytes(request("/sub", null)));
        ByteBuf out = written(ch);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .endsWith(CloseReasons.withRetryAfter(CloseCode.CONNECT_RATE_LIMITED.reason(), 7));
        out.release();
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldAnswerWhatItWouldNotUpgradeWithTheHttpRefusal(boolean behindCodec) {
        String full = request("/sub", null);
        for (String req : List.of(request("/other", null), request("/sub?x=1", null),
                request("/sub", "https://evil.example"), "GET /sub HTTP/1.1\r\nHost: x\r\n\r\n",
                full.replace("GET ", "POST "),
                full.replace("Sec-WebSocket-Key: " + KEY + "\r\n", ""),           // no key
                full.replace("Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Key: "),   // an empty key
                full.replace("Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ"), // 15 bytes
                full.replace("Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Key: !!!!notbase64!!!!!!!!!=="),
                full.replace("Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Key: "
                        + KEY),
                full.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13"),
                full.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"),
                full.replace("Sec-WebSocket-Version: 13\r\n", ""),
                full.replace("Upgrade: websocket\r\n", "Upgrade: h2c\r\n"),
                full.replace("Connection: keep-alive, Upgrade", "Connection: keep-alive"),
                full.replace("Host: x\r\n", ""),                                  // no Host (RFC 9112 3.2)
                full.replace("Host: x\r\n", "Host: x\r\nHost: y\r\n"),            // two Hosts
                request("http://x/other", null), request("http://x/sub?x=1", null), request("ftp://x/sub", null),
                request("http://x", null), request("http://x?sub", null), request("http:///sub", null))) {
            EmbeddedChannel ch = refused(Refusal.IP_CONNECTIONS, 0, behindCodec);
            ch.writeInbound(bytes(req));
            assertHttpRefusal(ch);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void shouldReadTheHeadersInAnyCaseAndTokenLists() {
        String req = "GET /sub HTTP/1.1\r\nhost: x\r\nUPGRADE: foo, WebSocket\r\nconnection:Upgrade\r\n"
                + "sec-websocket-key:   " + KEY + " \t\r\nSEC-WEBSOCKET-VERSION: 13\r\norigin: http://127.0.0.1:9\r\n\r\n";
        EmbeddedChannel ch = refused(Refusal.IP_BANNED, 0, false);
        ch.writeInbound(bytes(req));
        assertUpgradedAndClosed(ch, CloseCode.BANNED, CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 300));
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldRefuseAMalformedHeadWithTheHttpRefusal() {
        String full = request("/sub", null);
        for (String req : List.of(full.replace("Host: x\r\n", "Host x\r\n"),        // no colon
                full.replace("Host: x\r\n", "Bad Name: x\r\n"),                      // white space in a name
                full.replace("Host: x\r\n", "Host: x\r\n folded\r\n"),               // a folded line
                full.replace("HTTP/1.1", "HTTP/1.0"),
                full.replace("\r\n", "\n"),                                        // bare LFs, which
                full.replace("Host: x\r\n", "Host: x\n"),                          // the listener refuses
                full.replace("\r\n\r\n", "\r\n\n"),
                "\r\n\r\n")) {
            EmbeddedChannel ch = refused(Refusal.IP_CONNECTIONS, 0, false);
            ch.writeInbound(bytes(req));
            assertHttpRefusal(ch);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void shouldReadARequestSplitAcrossReadsAtEveryByte() {
        byte[] req = request("/sub", null).getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 1; cut < req.length; cut++) {
            EmbeddedChannel ch = refused(Refusal.IP_BANNED, 0, false);
            ch.writeInbound(Unpooled.wrappedBuffer(req, 0, cut));
            assertThat((Object) ch.readOutbound()).as("nothing before the head ends (cut at %d)", cut).isNull();
            assertThat(ch.isActive()).isTrue();
            ch.writeInbound(Unpooled.wrappedBuffer(req, cut, req.length - cut));
            assertUpgradedAndClosed(ch, CloseCode.BANNED,
                    CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 300));
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void shouldReadARequestThatArrivesOneByteAtATime() {
        byte[] req = request("/sub", "http://127.0.0.1:1").getBytes(StandardCharsets.ISO_8859_1);
        EmbeddedChannel ch = refused(Refusal.IP_BANNED, 0, false);
        for (int i = 0; i < req.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(req, i, 1));
        }
        assertUpgradedAndClosed(ch, CloseCode.BANNED, CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 300));
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldIgnoreWhatFollowsTheHeadInTheSameRead() {
        EmbeddedChannel ch = refused(Refusal.IP_BANNED, 0, false);
        ch.writeInbound(bytes(request("/sub", null) + "\u0082\u0085frame"));
        assertUpgradedAndClosed(ch, CloseCode.BANNED, CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 300));
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldRefuseAnOversizedHeadWithTheHttpRefusal() {
        String padding = "X-Pad: " + "p".repeat(1000) + "\r\n";
        String big = request("/sub", null).replace("Host: x\r\n", "Host: x\r\n" + padding.repeat(13));
        assertThat(big.length()).isGreaterThan(UpgradeRequestScan.MAX_HEAD_BYTES);
        // in one read, and in reads of 1000 bytes: refused once MAX_HEAD_BYTES passed without the head's end
        EmbeddedChannel ch = refused(Refusal.IP_CONNECTIONS, 0, false);
        ch.writeInbound(bytes(big));
        assertHttpRefusal(ch);
        ch.finishAndReleaseAll();

        ch = refused(Refusal.IP_CONNECTIONS, 0, false);
        byte[] b = big.getBytes(StandardCharsets.ISO_8859_1);
        int sent = 0;
        for (; ch.isActive() && sent < b.length; sent += 1000) {
            ch.writeInbound(Unpooled.wrappedBuffer(b, sent, Math.min(1000, b.length - sent)));
        }
        assertThat(sent).as("refused at the bound, not at the end").isEqualTo(13000);
        assertHttpRefusal(ch);
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldUpgradeAHeadJustUnderTheBound() {
        String req = request("/sub", null);
        String pad = "X-Pad: " + "p".repeat(UpgradeRequestScan.MAX_HEAD_BYTES - req.length() - 9) + "\r\n";
        String full = req.replace("Host: x\r\n", "Host: x\r\n" + pad);
        assertThat(full.length()).isEqualTo(UpgradeRequestScan.MAX_HEAD_BYTES);
        EmbeddedChannel ch = refused(Refusal.IP_BANNED, 0, false);
        ch.writeInbound(bytes(full.substring(0, 7000))); // more than half the bound in the first read
        ch.writeInbound(bytes(full.substring(7000)));
        assertUpgradedAndClosed(ch, CloseCode.BANNED, CloseReasons.withRetryAfter(CloseCode.BANNED.reason(), 300));
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldCloseAClientThatSendsNoRequestWithinTheWait(boolean behindCodec) {
        EmbeddedChannel ch = refused(Refusal.IP_CONNECTIONS, 0, behindCodec);
        ch.writeInbound(bytes("GET /sub HTTP/1.1\r\nHost: x\r\n")); // and then nothing
        ch.advanceTimeBy(1900, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isTrue();
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isActive()).isFalse();
        assertThat((Object) ch.readOutbound()).as("a bare close").isNull();
        ch.finishAndReleaseAll();
    }
}
