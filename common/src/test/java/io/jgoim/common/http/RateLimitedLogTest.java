package io.jgoim.common.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedLogTest {
    @Test
    void shouldLetOneLineAnIntervalThroughAndCountTheRest() {
        AtomicLong clock = new AtomicLong(1_000);
        RateLimitedLog gate = new RateLimitedLog(100, clock::get);
        assertThat(gate.acquire()).isZero();
        for (int i = 0; i < 50; i++) {
            assertThat(gate.acquire()).isEqualTo(-1);
        }
        clock.addAndGet(99);
        assertThat(gate.acquire()).isEqualTo(-1);
        clock.addAndGet(1);
        assertThat(gate.acquire()).isEqualTo(51);
        clock.addAndGet(1_000);
        assertThat(gate.acquire()).isZero();
        assertThat(RateLimitedLog.suppressedNote(0)).isEmpty();
        assertThat(RateLimitedLog.suppressedNote(51)).isEqualTo("; 51 more since the last such line");
    }
}
