package io.jgoim.protocol;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CodesTest {
    @Test
    void shouldMapEveryErrorCodeBackFromItsNumber() {
        for (ErrorCode c : ErrorCode.values()) {
            if (c != ErrorCode.UNKNOWN) {
                assertThat(ErrorCode.of(c.code())).isSameAs(c);
            }
        }
        assertThat(ErrorCode.of(9999)).isSameAs(ErrorCode.UNKNOWN);
        assertThat(ErrorCode.of(-7)).isSameAs(ErrorCode.UNKNOWN);
    }

    @Test
    void shouldKeepPublishedErrorNumbers() {
        // Numbers on the wire never change; this pins the ones clients and dashboards already see.
        assertThat(ErrorCode.BAD_PACKET.code()).isEqualTo(1);
        assertThat(ErrorCode.BODY_TOO_LARGE.code()).isEqualTo(3);
        assertThat(ErrorCode.UNAUTHORIZED.code()).isEqualTo(100);
        assertThat(ErrorCode.TOKEN_EXPIRED.code()).isEqualTo(101);
        assertThat(ErrorCode.BAD_PARAMETER.code()).isEqualTo(400);
        assertThat(ErrorCode.UNAVAILABLE.code()).isEqualTo(503);
        assertThat(CloseCode.SHUTDOWN.code()).isEqualTo(4001);
        assertThat(CloseCode.SLOW.code()).isEqualTo(4008);
        assertThat(CloseCode.HEARTBEAT_TIMEOUT.code()).isEqualTo(4012);
        assertThat(CloseCode.AUTH_FAILED.code()).isEqualTo(4501);
    }

    @Test
    void shouldSplitCloseCodesIntoReconnectAndTerminal() {
        Set<Integer> seen = new HashSet<>();
        for (CloseCode c : CloseCode.values()) {
            assertThat(seen.add(c.code())).as("duplicate %s", c).isTrue();
            assertThat(c.reason().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
            if (c.code() >= 4000 && c.code() < 4500) {
                assertThat(c.isReconnect()).isTrue();
                assertThat(c.isTerminal()).isFalse();
            }
            if (c.code() >= 4500) {
                assertThat(c.isTerminal()).isTrue();
            }
        }
        assertThat(CloseCode.of(4008)).isSameAs(CloseCode.SLOW);
        assertThat(CloseCode.of(4321)).isSameAs(CloseCode.UNKNOWN);
    }

    @Test
    void shouldReserveExtensionRange() {
        for (int op = Op.EXTENSION_MIN; op <= Op.EXTENSION_MAX; op++) {
            assertThat(Op.isExtension(op)).isTrue();
            // ACK (22), REFRESH (23) and RECENT (25) are the extensions a client sends; the others are server-only
            assertThat(Op.isClientOp(op)).isEqualTo(op == Op.ACK || op == Op.REFRESH || op == Op.RECENT);
        }
        assertThat(Op.isExtension(Op.UNSUB_REPLY)).isFalse();
        assertThat(Op.isExtension(Op.BUSINESS_MIN)).isFalse();
    }
}
