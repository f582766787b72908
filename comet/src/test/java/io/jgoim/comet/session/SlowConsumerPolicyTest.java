package io.jgoim.comet.session;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SlowConsumerPolicyTest {
    @Test
    void shouldCloseASlowConsumerOnlyOnceItStayedOverTheBoundForTheWholeTime() {
        SlowConsumerPolicy policy = new SlowConsumerPolicy(Duration.ofSeconds(2));
        long since = 1_000;
        assertThat(policy.remainingNanos(since, since + Duration.ofMillis(500).toNanos()))
                .isEqualTo(Duration.ofMillis(1500).toNanos());
        assertThat(policy.remainingNanos(since, since + Duration.ofSeconds(2).toNanos())).isLessThanOrEqualTo(0);
        SessionCloseException verdict = policy.verdict(since, since + Duration.ofSeconds(3).toNanos());
        assertThat(verdict.closeCode()).isEqualTo(CloseCode.SLOW);
        assertThat(verdict.code()).isEqualTo(ErrorCode.SLOW_CONSUMER);
        assertThat(verdict.getMessage()).contains("3000 ms");
    }
}
