package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A refused WebSocket upgrade read as the close it stands for, and the reconnect wait that follows from it. */
class UpgradeRefusalTest {
    private static WebSocketClientHandshakeException refused(int status, String closeCode, String retryAfter) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        if (closeCode != null) {
            res.headers().set(UpgradeRefusal.CLOSE_CODE_HEADER, closeCode);
        }
        if (retryAfter != null) {
            res.headers().set("Retry-After", retryAfter);
        }
        return new WebSocketClientHandshakeException("Invalid handshake response getStatus: " + status, res);
    }

    @Test
    void shouldReadTheCloseCodeAndRetryAfterOfARefusedUpgrade() {
        CloseStatus s = UpgradeRefusal.of(refused(503, "4016", "3"));
        assertThat(s.code()).isEqualTo(CloseCode.CONNECT_RATE_LIMITED.code());
        assertThat(CloseReasons.retryAfterSeconds(s.reason())).isEqualTo(3);
        assertThat(s.reason()).startsWith("upgrade refused (HTTP 503)");
    }

    @Test
    void shouldWaitAtLeastTheRetryAfterOfARefusedUpgradePlusJitter() {
        ReconnectPolicy policy = new ReconnectPolicy(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), new java.util.Random(7)::nextDouble),
                Duration.ofSeconds(60));
        for (int i = 0; i < 50; i++) {
            long delay = policy.nextDelayNanos(-1, UpgradeRefusal.of(refused(503, "4016", "3")));
            assertThat(delay).isBetween(TimeUnit.SECONDS.toNanos(3), TimeUnit.SECONDS.toNanos(4));
            long ban = policy.nextDelayNanos(-1, UpgradeRefusal.of(refused(429, "4018", "5")));
            assertThat(ban).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(5));
        }
    }

    @Test
    void shouldLeaveOtherFailuresToTheCaller() {
        assertThat(UpgradeRefusal.of(new IllegalStateException("x"))).isNull();
        assertThat(UpgradeRefusal.of(new WebSocketClientHandshakeException("no response"))).isNull();
        assertThat(UpgradeRefusal.of(refused(404, null, null))).isNull();
        assertThat(UpgradeRefusal.of(refused(503, null, "Wed, 21 Oct 2015 07:28:00 GMT"))).isNull();
        CloseStatus plain = UpgradeRefusal.of(refused(503, null, "2"));
        assertThat(plain.code()).isEqualTo(CloseStatus.ABNORMAL_CODE);
        assertThat(CloseReasons.retryAfterSeconds(plain.reason())).isEqualTo(2);
    }
}
