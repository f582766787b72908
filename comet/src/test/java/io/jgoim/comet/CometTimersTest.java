package io.jgoim.comet;

import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

class CometTimersTest {

    @Test
    void aTaskThatThrowsRunsAgainAtItsNextPeriod() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            CometTimers timers = new CometTimers(loop);
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch afterFailures = new CountDownLatch(3);
            timers.every("registry refresh", Duration.ofMillis(10), () -> {
                if (runs.incrementAndGet() <= 2) {
                    throw new IllegalStateException("registry refused the refresh");
                }
                afterFailures.countDown();
            });
            assertTrue(afterFailures.await(10, TimeUnit.SECONDS), "runs: " + runs.get());
            timers.cancelAll();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
