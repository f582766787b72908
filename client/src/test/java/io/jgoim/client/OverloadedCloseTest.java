package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** 4015 OVERLOADED (adaptive shedding) is a reconnect-with-backoff close for the SDK, never terminal. */
class OverloadedCloseTest {
    @Test
    void shouldTreatOverloadedAsReconnect() {
        CloseStatus s = new CloseStatus(4015, "server overloaded");
        assertThat(s.closeCode()).isEqualTo(CloseCode.OVERLOADED);
        assertThat(s.isTerminal()).isFalse();
        assertThat(CloseCode.OVERLOADED.isReconnect()).isTrue();
    }
}
