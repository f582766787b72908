package io.jgoim.loadtest.worker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class StdioCoordinatorTest {
    @Test
    void shouldHoldTheMeasuredStartUntilTheParentSaysGo() throws Exception {
        ByteArrayOutputStream phases = new ByteArrayOutputStream();
        PipedOutputStream parent = new PipedOutputStream();
        StdioCoordinator c = new StdioCoordinator(new PrintStream(phases, true, StandardCharsets.UTF_8),
                new PipedInputStream(parent));

        c.phase("READY");
        long t0 = System.nanoTime();
        c.awaitGo(Duration.ofMillis(300));
        long waited = System.nanoTime() - t0;
        parent.write("GO\n".getBytes(StandardCharsets.UTF_8));
        parent.flush();
        long t1 = System.nanoTime();
        c.awaitGo(Duration.ofSeconds(10));
        long afterGo = System.nanoTime() - t1;

        assertThat(phases.toString(StandardCharsets.UTF_8)).isEqualTo(StdioCoordinator.PREFIX + "READY"
                + System.lineSeparator());
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
        assertThat(afterGo).isLessThan(Duration.ofSeconds(5).toNanos());
        parent.close();
    }
}
