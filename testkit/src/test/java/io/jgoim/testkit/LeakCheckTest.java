package io.jgoim.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The leak check must be able to fail: a buffer dropped without release is reported. */
class LeakCheckTest {
    @Test
    void shouldReportABufferThatWasNeverReleased() {
        LeakCheck.install();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        LeakCheck.collect();
        leak();
        String report = "";
        for (int i = 0; i < 20 && report.isEmpty(); i++) {
            report = LeakCheck.collect();
        }
        assertThat(report).contains("leak");
    }

    @Test
    void shouldReportNothingWhenBuffersAreReleased() {
        LeakCheck.install();
        LeakCheck.collect();
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(1);
        b.release();
        assertThat(LeakCheck.collect()).isEmpty();
    }

    private static void leak() {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42);
    }
}
