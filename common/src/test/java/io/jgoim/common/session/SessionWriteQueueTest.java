package io.jgoim.common.session;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class SessionWriteQueueTest {
    private final List<CompletableFuture<Integer>> started = new ArrayList<>();
    private final List<Integer> order = new ArrayList<>();

    private CompletableFuture<Integer> write(SessionWriteQueue q, int id, int commands, long deadline) {
        return q.submit(commands, deadline, () -> {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            order.add(id);
            started.add(f);
            return f;
        });
    }

    @Test
    void shouldKeepAtMostTheWindowOfCommandsStartedAndStartTheRestInOrderAsTheyComplete() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SessionWriteQueue q = new SessionWriteQueue(4, 100, meters);
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            results.add(write(q, i, 2, 0));
        }
        assertThat(order).containsExactly(0, 1);
        assertThat(q.inFlight()).isEqualTo(4);
        assertThat(q.queued()).isEqualTo(4);
        started.get(0).complete(0);
        assertThat(order).containsExactly(0, 1, 2);
        started.get(1).complete(1);
        started.get(2).complete(2);
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
        for (int i = 3; i < 6; i++) {
            started.get(i).complete(i);
        }
        for (int i = 0; i < 6; i++) {
            assertThat(results.get(i).join()).isEqualTo(i);
        }
        assertThat(q.inFlight()).isZero();
        assertThat(meters.get("jgoim.sessions.writes.queued").gauge().value()).isZero();
    }

    @Test
    void shouldRefuseOnlyPastTheQueueBoundAndSkipWritesWhoseDeadlinePassed() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SessionWriteQueue q = new SessionWriteQueue(1, 2, meters);
        CompletableFuture<Integer> first = write(q, 0, 1, 0);
        CompletableFuture<Integer> expiring = write(q, 1, 1, System.nanoTime() + 1);
        CompletableFuture<Integer> waiting = write(q, 2, 1, 0);
        CompletableFuture<Integer> refused = write(q, 3, 1, 0);
        assertThat(code(refused)).isEqualTo(ErrorCode.UNAVAILABLE);
        started.get(0).complete(0);
        assertThat(first.join()).isZero();
        assertThat(code(expiring)).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(order).containsExactly(0, 2);
        started.get(1).completeExceptionally(new IllegalStateException("redis said no"));
        assertThat(catchThrowable(waiting::join)).hasRootCauseMessage("redis said no");
        assertThat(q.inFlight()).isZero();
        assertThat(meters.get("jgoim.sessions.writes.refused").tag("reason", "full").counter().count()).isEqualTo(1);
        assertThat(meters.get("jgoim.sessions.writes.refused").tag("reason", "expired").counter().count())
                .isEqualTo(1);
    }

    private static ErrorCode code(CompletableFuture<?> f) {
        Throwable t = catchThrowable(f::join);
        assertThat(t.getCause()).isInstanceOf(JgoimException.class);
        return ((JgoimException) t.getCause()).code();
    }

    @Test
    void shouldStartAWriteAgainWhenItsCommandTimedOutAndFailItAfterTheRetries() {
        SessionWriteQueue q = new SessionWriteQueue(1, 10, new SimpleMeterRegistry());
        CompletableFuture<Integer> result = write(q, 0, 1, 0);
        CompletableFuture<Integer> next = write(q, 1, 1, 0);
        started.get(0).completeExceptionally(new io.lettuce.core.RedisCommandTimeoutException("slow"));
        assertThat(order).as("the timed-out write goes first again").containsExactly(0, 0);
        started.get(1).complete(7);
        assertThat(result.join()).isEqualTo(7);
        started.get(2).completeExceptionally(new io.lettuce.core.RedisCommandTimeoutException("slow"));
        for (int i = 0; i < SessionWriteQueue.TIMEOUT_RETRIES; i++) {
            started.get(started.size() - 1).completeExceptionally(
                    new io.lettuce.core.RedisCommandTimeoutException("slow"));
        }
        assertThat(catchThrowable(next::join)).hasRootCauseInstanceOf(
                io.lettuce.core.RedisCommandTimeoutException.class);
        assertThat(order).hasSize(3 + SessionWriteQueue.TIMEOUT_RETRIES).startsWith(0, 0, 1).endsWith(1);
        assertThat(q.inFlight()).isZero();
    }
}
