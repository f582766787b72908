package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 4020 NODE_FULL (the comet holds limits.maxConnections) is a reconnect close for the SDK, never terminal, and its
 * retry-after (5 s) is waited before the next attempt, which goes to the next address of the rotation.
 */
class NodeFullCloseTest {
    private static final long MS = 1_000_000L;

    @Test
    void shouldTreatNodeFullAsReconnectAndWaitItsRetryAfter() {
        CloseStatus s = new CloseStatus(4020, CloseReasons.withRetryAfter(CloseCode.NODE_FULL.reason(), 5));
        assertThat(s.closeCode()).isEqualTo(CloseCode.NODE_FULL);
        assertThat(s.isTerminal()).isFalse();
        assertThat(CloseCode.NODE_FULL.isReconnect()).isTrue();
        ReconnectPolicy p = new ReconnectPolicy(
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0), Duration.ofSeconds(30));
        assertThat(p.nextDelayNanos(-1, s)).isEqualTo(5_000 * MS);
    }
}
