package io.jgoim.comet.index;

import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.CloseCode;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One timer per loop closes exactly the sessions whose idle deadline passed, at the deadline or soon after. */
class IdleSweeperTest {
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final MemberList list = loops.sessions(0);
    private final IdleSweeper sweeper = loops.idleSweeper(0);
    private final List<String> expired = new ArrayList<>();

    private final long start;

    {
        loopOwner.freezeTime();
        start = loopOwner.eventLoop().ticker().nanoTime();
    }

    /** A session whose handler is a deadline; expiring it leaves the loop's list at once, as a closed channel does. */
    private final class Silent implements SessionCloser {
        final String name;
        long deadline;
        Session session;

        Silent(String name, long deadlineSeconds) {
            this.name = name;
            this.deadline = start + TimeUnit.SECONDS.toNanos(deadlineSeconds);
        }

        @Override
        public void close(CloseCode code) {
            throw new AssertionError("only expireIdle is expected");
        }

        @Override
        public long idleDeadlineNanos() {
            return deadline;
        }

        @Override
        public void expireIdle(long nowNanos) {
            assertThat(nowNanos).isGreaterThanOrEqualTo(deadline);
            expired.add(name);
            list.remove(session);
        }
    }

    private Silent add(String name, long deadlineSeconds) {
        Silent s = new Silent(name, deadlineSeconds);
        s.session = new Session(new EmbeddedChannel(), SessionTransport.TCP, 1, name, false, 0, 4,
                CometMetrics.noop(), s);
        list.add(s.session);
        sweeper.due(s.deadline);
        return s;
    }

    private void advanceMillis(long ms) {
        loopOwner.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        loopOwner.runScheduledPendingTasks();
    }

    @AfterEach
    void tearDown() {
        loopOwner.finishAndReleaseAll();
    }

    @Test
    void shouldExpireOnlySessionsPastTheirDeadlineAndFollowMovedDeadlines() {
        add("a", 10);
        Silent live = add("live", 20);
        add("c", 10);
        advanceMillis(9_999);
        assertThat(expired).isEmpty();
        advanceMillis(1);
        assertThat(expired).containsExactlyInAnyOrder("a", "c");
        assertThat(list.size()).isEqualTo(1);
        live.deadline = start + TimeUnit.SECONDS.toNanos(40); // it heartbeated
        advanceMillis(20_000);
        assertThat(expired).hasSize(2);
        advanceMillis(9_999);
        assertThat(expired).hasSize(2);
        advanceMillis(1);
        assertThat(expired).containsExactlyInAnyOrder("a", "c", "live");
        assertThat(list.size()).isZero();
    }

    @Test
    void shouldRunEarlierForANewSessionWithAShorterDeadline() {
        add("long", 60);
        add("short", 5);
        advanceMillis(5_000);
        assertThat(expired).containsExactly("short");
        advanceMillis(55_000);
        assertThat(expired).containsExactly("short", "long");
    }

    @Test
    void shouldCoalesceDeadlinesCloserThanTheMinimumGap() {
        add("first", 10);
        Silent second = add("second", 10);
        second.deadline += TimeUnit.MILLISECONDS.toNanos(100);
        advanceMillis(10_000);
        assertThat(expired).containsExactly("first");
        advanceMillis(100);
        assertThat(expired).containsExactly("first"); // not another walk 100 ms later...
        advanceMillis(TimeUnit.NANOSECONDS.toMillis(IdleSweeper.MIN_GAP_NANOS) - 100);
        assertThat(expired).containsExactly("first", "second"); // ...but one gap after the last
    }
}
