package io.jgoim.comet.node;

import io.jgoim.comet.TestSessions;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The re-announce walk on one event loop with a frozen clock: its pace, sessions leaving mid-walk, restart and stop.
 */
class RouteReannouncerTest {
    private final EmbeddedChannel loopOwner = new EmbeddedChannel();
    private final SessionLoops loops = new SessionLoops(loopOwner.eventLoop());
    private final SessionIndex index = new SessionIndex(4, 16, loops);
    private final TestSessions sessions = new TestSessions();
    private final CometMetrics metrics = CometMetrics.noop();
    private final LogicTwin logic = LogicTwin.create();
    private final List<Session> all = new ArrayList<>();

    {
        loopOwner.freezeTime();
    }

    @AfterEach
    void tearDown() {
        loopOwner.finishAndReleaseAll();
        logic.close();
    }

    private RouteReannouncer reannouncer(int sessionsPerSecond, int count) {
        for (int i = 0; i < count; i++) {
            Session s = sessions.session(new EmbeddedChannel(), SessionTransport.TCP, "k" + i, 0);
            index.register(s, "");
            all.add(s);
        }
        return new RouteReannouncer(loops, logic, "comet-a", sessionsPerSecond, metrics);
    }

    /** Lets {@code ms} pass in 10 ms steps (a frozen clock runs a task scheduled by a task only at a later step). */
    private void advanceMillis(long ms) {
        loopOwner.runPendingTasks();
        for (long t = 0; t < ms; t += 10) {
            loopOwner.advanceTimeBy(10, TimeUnit.MILLISECONDS);
            loopOwner.runScheduledPendingTasks();
        }
    }

    private Set<String> announced(int from) {
        List<HeartbeatReq> calls = List.copyOf(logic.heartbeats());
        return calls.subList(from, calls.size()).stream().map(HeartbeatReq::getKey).collect(Collectors.toSet());
    }

    @Test
    void shouldAnnounceEverySessionOnceAtTheConfiguredPace() {
        RouteReannouncer r = reannouncer(100, 10); // one session per 10 ms
        r.start();
        advanceMillis(0);
        assertThat(logic.heartbeats()).hasSize(1);
        advanceMillis(50);
        assertThat(logic.heartbeats()).hasSize(6);
        advanceMillis(1_000);
        assertThat(logic.heartbeats()).hasSize(10);
        assertThat(announced(0)).hasSize(10);
        assertThat(logic.heartbeats()).allSatisfy(h -> assertThat(h.getServer()).isEqualTo("comet-a"));
        assertThat(logic.serverOf("k3")).isEqualTo("comet-a");
        assertThat(metrics.storeEpochChanges()).isEqualTo(1);
        assertThat(metrics.sessionsReannounced()).isEqualTo(10);
    }

    @Test
    void shouldSkipNoSessionWhenOthersLeaveDuringTheWalk() {
        RouteReannouncer r = reannouncer(100, 10);
        r.start();
        advanceMillis(0);
        advanceMillis(30); // 4 announced, from the end of the list
        index.unregister(all.get(0));
        index.unregister(all.get(8)); // both an unvisited and a visited session leave
        advanceMillis(1_000);
        Set<String> staying = all.stream().filter(s -> s != all.get(0) && s != all.get(8)).map(Session::key)
                .collect(Collectors.toSet());
        assertThat(announced(0)).containsAll(staying).doesNotContain("k0");
        assertThat(logic.heartbeats().size()).isLessThanOrEqualTo(10);
    }

    @Test
    void shouldStartOverOnANewStartAndStopOnStop() {
        RouteReannouncer r = reannouncer(100, 10);
        r.start();
        advanceMillis(0);
        advanceMillis(40);
        int before = logic.heartbeats().size();
        r.start();
        advanceMillis(1_000);
        assertThat(announced(before)).hasSize(10);
        assertThat(logic.heartbeats()).hasSize(before + 10);
        assertThat(metrics.storeEpochChanges()).isEqualTo(2);

        int stoppedAt = logic.heartbeats().size();
        r.start();
        advanceMillis(0);
        r.stop();
        advanceMillis(1_000);
        assertThat(logic.heartbeats()).hasSize(stoppedAt + 1);
    }
}
