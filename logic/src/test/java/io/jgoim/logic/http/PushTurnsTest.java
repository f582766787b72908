package io.jgoim.logic.http;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PushTurns} on a real Netty loop: every queued push is done once, in the order queued, across turns; and a
 * loop shut down while turns are pending (its scheduled tasks are cancelled) still gets every push done.
 */
class PushTurnsTest {
    private static final int PUSHES = 3 * PushTurns.PUSHES_PER_TURN + 5;

    @Test
    @Timeout(30)
    void shouldDoEveryPushOnceInOrderAcrossTurns() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            List<Integer> done = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(PUSHES);
            queuePushes(loop, done, all, () -> { });
            assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(done).hasSize(PUSHES);
            for (int i = 0; i < PUSHES; i++) {
                assertThat(done.get(i)).isEqualTo(i);
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }

    @Test
    @Timeout(30)
    void shouldDoThePendingPushesWhenTheLoopShutsDownBetweenTurns() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoop loop = group.next();
        List<Integer> done = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(PUSHES);
        // the loop starts shutting down during the first turn
        queuePushes(loop, done, all, () -> group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS));
        assertThat(group.terminationFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(all.await(10, TimeUnit.SECONDS)).as("every push done, though the loop ended").isTrue();
        assertThat(done).hasSize(PUSHES).doesNotHaveDuplicates();
    }

    /** On the loop, queues {@value #PUSHES} pushes that record their number; the first runs {@code atFirst} too. */
    private static void queuePushes(EventLoop loop, List<Integer> done, CountDownLatch all, Runnable atFirst) {
        loop.execute(() -> {
            for (int i = 0; i < PUSHES; i++) {
                int n = i;
                PushTurns.add(loop, () -> {
                    if (n == 0) {
                        atFirst.run();
                    }
                    done.add(n);
                    all.countDown();
                });
            }
        });
    }
}
