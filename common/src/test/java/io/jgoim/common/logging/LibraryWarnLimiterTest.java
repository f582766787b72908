package io.jgoim.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LibraryWarnLimiterTest {
    private final LoggerContext context = new LoggerContext();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LibraryWarnLimiter limiter = new LibraryWarnLimiter(now::get);

    private FilterReply warn(String logger, String format) {
        return limiter.decide(null, context.getLogger(logger), Level.WARN, format, new Object[]{-1, "x"}, null);
    }

    @Test
    void aRepeatedLibraryWarningPassesOncePerIntervalPerShape() {
        String kafka = "org.apache.kafka.clients.NetworkClient";
        String shape = "[Producer clientId=p-1] Connection to node {} ({}) could not be established.";
        int passed = 0;
        for (int i = 0; i < 300; i++) { // 60 s of a broker away, five lines a second
            if (warn(kafka, shape) != FilterReply.DENY) {
                passed++;
            }
            now.addAndGet(200);
        }
        assertThat(passed).isEqualTo(6); // one per 10 s
        // another shape of the same logger, and another logger, have windows of their own
        assertThat(warn(kafka, "[Producer clientId=p-1] Node {} disconnected.")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(warn("io.grpc.internal.ManagedChannelImpl", shape)).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void errorsOtherLevelsAndJgoimsOwnLinesAreNeverLeftOut() {
        Logger kafka = context.getLogger("org.apache.kafka.clients.NetworkClient");
        Logger own = context.getLogger("io.jgoim.job.consume.PushConsumer");
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.decide(null, kafka, Level.ERROR, "broker gone", null, null))
                    .isEqualTo(FilterReply.NEUTRAL);
            assertThat(limiter.decide(null, kafka, Level.DEBUG, "detail", null, null)).isEqualTo(FilterReply.NEUTRAL);
            assertThat(limiter.decide(null, own, Level.WARN, "poll failed, retrying: {}", null, null))
                    .isEqualTo(FilterReply.NEUTRAL);
        }
    }

    @Test
    void theTableOfShapesIsBounded() {
        for (int i = 0; i < LibraryWarnLimiter.MAX_SHAPES * 3; i++) {
            assertThat(warn("io.netty.channel.X", "shape " + i)).isEqualTo(FilterReply.NEUTRAL);
        }
        // the first shape's window was dropped with the table: it passes again at once
        assertThat(warn("io.netty.channel.X", "shape 0")).isEqualTo(FilterReply.NEUTRAL);
    }
}
