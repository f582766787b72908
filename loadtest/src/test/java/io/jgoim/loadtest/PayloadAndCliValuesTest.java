package io.jgoim.loadtest;

import io.jgoim.loadtest.metrics.Payload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadAndCliValuesTest {
    @Test
    void shouldRoundTripThePayloadHeader() {
        byte[] p = Payload.encode(7, 123_456_789_012L, 1_700_000_000_123_456_789L, 64);
        ByteBuf b = Unpooled.wrappedBuffer(p);
        assertThat(p).hasSize(64);
        assertThat(Payload.isPayload(b)).isTrue();
        assertThat(Payload.publisherId(b)).isEqualTo(7);
        assertThat(Payload.sequence(b)).isEqualTo(123_456_789_012L);
        assertThat(Payload.sendEpochNanos(b)).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(p[24]).isEqualTo((byte) 'x');
        assertThat(Payload.encode(1, 1, 1, 3)).hasSize(Payload.HEADER_SIZE);
    }

    @Test
    void shouldRejectForeignBodies() {
        assertThat(Payload.isPayload(Unpooled.wrappedBuffer("{\"n\":1}".getBytes()))).isFalse();
        assertThat(Payload.isPayload(Unpooled.wrappedBuffer(new byte[30]))).isFalse();
    }

    @Test
    void shouldParseDurations() {
        assertThat(CliValues.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(CliValues.duration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(CliValues.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(CliValues.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(CliValues.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(CliValues.duration("PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> CliValues.duration("3 days")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldExpandAddressRanges() throws Exception {
        List<InetAddress> a = CliValues.addresses("127.0.0.1-127.0.0.3, 127.0.1.9");
        assertThat(a).extracting(InetAddress::getHostAddress)
                .containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.1.9");
        assertThat(CliValues.addresses("127.0.0.250-127.0.1.1")).hasSize(8);
        assertThat(CliValues.addresses("")).isEmpty();
        assertThatThrownBy(() -> CliValues.addresses("127.0.0.9-127.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CliValues.addresses("10.0.0.0-10.1.0.0")).hasMessageContaining("at most");
    }

    @Test
    void shouldSplitSessionsIntoDisjointShares() {
        SessionOptions all = SessionOptions.defaults().withSessions(10, 100).withWarmup(9)
                .withSourceAddresses(CliValues.addresses("127.0.0.1-127.0.0.4"));
        SessionOptions w0 = all.share(0, 3);
        SessionOptions w1 = all.share(1, 3);
        SessionOptions w2 = all.share(2, 3);
        assertThat(List.of(w0.sessions(), w1.sessions(), w2.sessions())).containsExactly(4, 3, 3);
        assertThat(List.of(w0.firstIndex(), w1.firstIndex(), w2.firstIndex())).containsExactly(0L, 4L, 7L);
        assertThat(w0.connectRate()).isEqualTo(100 / 3.0);
        assertThat(w0.warmup()).isEqualTo(3);
        assertThat(w0.sourceAddresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("127.0.0.1", "127.0.0.4");
        assertThat(w1.sourceAddresses()).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.2");
    }

    @Test
    void shouldBoundEveryScenario() {
        assertThatThrownBy(() -> SessionOptions.defaults().withSessions(SessionOptions.MAX_SESSIONS + 1, 10))
                .hasMessageContaining("sessions");
        assertThatThrownBy(() -> new ConnectOptions(SessionOptions.defaults(), Duration.ofDays(2), 0))
                .hasMessageContaining("hold");
        assertThatThrownBy(() -> PushOptions.room(java.net.URI.create("http://x"), "live", "1", 0,
                Duration.ofSeconds(1)))
                .hasMessageContaining("rate");
        assertThatThrownBy(() -> new RoomBroadcastOptions(SessionOptions.defaults().withRoom("live://2"),
                PushOptions.room(java.net.URI.create("http://x"), "live", "1", 10, Duration.ofSeconds(1)),
                Duration.ZERO, true)).hasMessageContaining("live://1");
    }
}
