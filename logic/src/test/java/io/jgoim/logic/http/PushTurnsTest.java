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

    @Test
    @Timeout(30)
    void shouldOweTheAdmittedPushesFourPushesOfWorkPerRefusalInTheNextTurn() throws Exception {
        // Without refusals the first turn ends after 16 pushes; with 14 refusals noted in the round it owes 56, which
        // covers all 53 (a refusal noted while no turn was pending owes nothing). The turn's end shows as a task
        // executed from its first push: it runs when the turn is over, before the next turn (scheduled, so it waits
        // for the loop's next poll).
        assertThat(firstTurnLength(0)).isEqualTo(PushTurns.PUSHES_PER_TURN);
        assertThat(firstTurnLength(14)).isEqualTo(PUSHES);
        assertThat(firstTurnLength(5)).isEqualTo(5 * PushTurns.PUSHES_PER_REFUSAL);
    }

    /** The pushes done before a task executed from the first push ran, with {@code refusals} noted first. */
    private static int firstTurnLength(int refusals) throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            List<Integer> done = new CopyOnWriteArrayList<>();
            CountDownLatch all = new CountDownLatch(PUSHES);
            int[] atMarker = {-1};
            loop.execute(() -> PushTurns.refused(loop)); // no turn pending: nothing owed
            queuePushes(loop, done, all, () -> loop.execute(() -> atMarker[0] = done.size()), refusals);
            assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(done).hasSize(PUSHES);
            return loop.submit(() -> atMarker[0]).get(10, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        }
    }

    /** On the loop, queues {@value #PUSHES} pushes that record their number; the first runs {@code atFirst} too. */
    private static void queuePushes(EventLoop loop, List<Integer> done, CountDownLatch all, Runnable atFirst) {
        queuePushes(loop, done, all, atFirst, 0);
    }

    /** As above, with {@code refusals} noted on the loop after the pushes are queued, before their first turn. */
    private static void queuePushes(EventLoop loop, List<Integer> done, CountDownLatch all, Runnable atFirst,
                                    int refusals) {
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
            for (int i = 0; i < refusals; i++) {
                PushTurns.refused(loop);
            }
        });
    }
}
