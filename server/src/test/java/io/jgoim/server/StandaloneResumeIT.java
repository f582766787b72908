package io.jgoim.server;

import io.jgoim.client.ClientState;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.index.Session;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.stream.StreamState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream positions end to end in standalone mode with the Java SDK (positions on): a client that loses its connection
 * gets what was pushed meanwhile to its room and to its member stream, in order, with no duplicate, and is told it
 * recovered; a standalone restart is a new epoch for every stream, and a client resuming across it is told
 * EPOCH_CHANGED instead of silently missing messages. goim (ver 1) clients in the same room are unaffected.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneResumeIT {
    private static final String ROOM = "live://resume";

    @TempDir
    Path dir;
    private StandaloneWithClients fixture;

    @BeforeEach
    void start() throws Exception {
        // Fixed ports: the restart test's clients reconnect to the restarted server on the ports they know.
        fixture = StandaloneWithClients.in(dir).fixedPorts().start();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private JgoimClient client(Transport t, long mid, String key, boolean positions, Pushes listener)
            throws Exception {
        return fixture.connect(fixture.client(t).goimToken(mid, key, ROOM, "test", 1000)
                .heartbeatInterval(Duration.ofSeconds(5))
                .positions(positions).extended(positions)
                .reconnect(true).backoff(Duration.ofMillis(200), Duration.ofMillis(400))
                .listener(listener));
    }

    private void pushRoom(String body) {
        HttpResponse<String> r = Pushes.post(fixture.api(), "/goim/push/room?operation=1000&type=live&room=resume",
                body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private void pushMid(long mid, String body) {
        HttpResponse<String> r = Pushes.post(fixture.api(), "/goim/push/mids?operation=1000&mids=" + mid, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"positions\"");
    }

    /** Closes the session's socket from the server side, as a network blip would: no goodbye. */
    private void dropConnection(String key, JgoimClient c) {
        Session s = fixture.server().comet().index().session(key);
        assertThat(s).as("session " + key).isNotNull();
        s.channel().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.state() != ClientState.CONNECTED);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"TCP", "WEBSOCKET"})
    void shouldRecoverWhatWasPushedWhileDisconnected(Transport t) throws Exception {
        Publications pubs = new Publications();
        Pushes goim = new Pushes();
        String key = "resume-" + t;
        JgoimClient c = client(t, 501, key, true, pubs);
        client(Transport.TCP, 0, "goim-" + t, false, goim);

        for (int i = 1; i <= 3; i++) {
            pushRoom("r" + i);
        }
        pushMid(501, "m1");
        await().atMost(Duration.ofSeconds(10)).until(() -> pubs.bodies(ROOM).size() == 3
                && pubs.bodies("mid:501").size() == 1);

        dropConnection(key, c);
        // Pushed while the client is away: only history can bring these back.
        for (int i = 4; i <= 8; i++) {
            pushRoom("r" + i);
        }
        pushMid(501, "m2");
        pushMid(501, "m3");
        await().atMost(Duration.ofSeconds(15)).until(() -> c.state() == ClientState.CONNECTED);
        pushRoom("r9");
        pushMid(501, "m4");

        await().atMost(Duration.ofSeconds(15)).until(() -> pubs.bodies(ROOM).size() >= 9
                && pubs.bodies("mid:501").size() >= 4);
        assertThat(pubs.bodies(ROOM)).containsExactly("r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
        assertThat(pubs.offsets(ROOM)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(pubs.bodies("mid:501")).containsExactly("m1", "m2", "m3", "m4");
        assertThat(pubs.offsets("mid:501")).containsExactly(1L, 2L, 3L, 4L);
        StreamState room = reconnectState(pubs, ROOM);
        StreamState member = reconnectState(pubs, "mid:501");
        assertThat(room.recovered()).as("room state %s", room).isTrue();
        assertThat(member.recovered()).as("member state %s", member).isTrue();
        assertThat(c.reconnects()).isEqualTo(1);

        // The goim client stayed connected: every room message live, as plain frames, nothing of the member stream.
        await().atMost(Duration.ofSeconds(10)).until(() -> goim.received.size() >= 9);
        assertThat(goim.received).containsExactly("1000:r1", "1000:r2", "1000:r3", "1000:r4", "1000:r5", "1000:r6",
                "1000:r7", "1000:r8", "1000:r9");
    }

    @Test
    void shouldGiveARoomPushRetriedWithItsIdItsFirstPositionSoEveryClientGetsItOnce() throws Exception {
        Publications pubs = new Publications();
        Pushes goim = new Pushes();
        JgoimClient c = client(Transport.TCP, 505, "retry-505", true, pubs);
        client(Transport.TCP, 0, "retry-goim", false, goim);
        String path = "/goim/push/room?operation=1000&type=live&room=resume&id=";
        for (String[] push : new String[][] {{"c-1", "one"}, {"c-2", "two"}, {"c-1", "one"}, {"c-3", "three"}}) {
            HttpResponse<String> r = Pushes.post(fixture.api(), path + push[0], push[1]); // c-1 again: a retry
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        HttpResponse<String> bad = Pushes.post(fixture.api(), path + "x".repeat(129), "four");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"code\":" + io.jgoim.protocol.ErrorCode.BAD_PARAMETER.code());

        // the position-aware client got each message once, at the positions of the first attempts; goim's client,
        // which cannot tell a repeat, too: the comet does not write what the room already had from it
        await().atMost(Duration.ofSeconds(10)).until(() -> pubs.bodies(ROOM).size() >= 3
                && goim.received.size() >= 3);
        Thread.sleep(300);
        assertThat(goim.received).containsExactly("1000:one", "1000:two", "1000:three");
        assertThat(fixture.server().comet().metrics().roomRepeats()).isEqualTo(1.0);
        assertThat(pubs.bodies(ROOM)).containsExactly("one", "two", "three");
        assertThat(pubs.offsets(ROOM)).containsExactly(1L, 2L, 3L);
        assertThat(pubs.states).as("no gap reported").allSatisfy(st -> assertThat(st.code()).isZero());
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
        // and the room's history holds each once: what a late joiner asks for
        assertThat(recentBodies(10, false)).containsExactly("one", "two", "three");

        // a broadcast retried with its id: once for both clients too
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = Pushes.post(fixture.api(), "/goim/push/all?operation=1000&id=all-1", "everyone");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> goim.received.size() >= 4
                && pubs.bodies("broadcast").size() >= 1);
        Thread.sleep(300);
        assertThat(goim.received).containsExactly("1000:one", "1000:two", "1000:three", "1000:everyone");
        assertThat(pubs.bodies("broadcast")).containsExactly("everyone");
        assertThat(fixture.server().comet().metrics().broadcastRepeats()).isEqualTo(1.0);

        // a member push retried with its id: a goim device of the member gets it once as well (its session
        // remembers the member stream's last position it was handed)
        Pushes goimMember = new Pushes();
        client(Transport.TCP, 506, "retry-goim-506", false, goimMember);
        for (String[] push : new String[][] {{"m-1", "first"}, {"m-1", "first"}, {"m-2", "second"}}) {
            HttpResponse<String> r = Pushes.post(fixture.api(), "/goim/push/mids?operation=1000&mids=506&id="
                    + push[0], push[1]);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> goimMember.received.size() >= 2);
        Thread.sleep(300);
        assertThat(goimMember.received).containsExactly("1000:first", "1000:second");
        assertThat(fixture.server().comet().metrics().memberRepeats()).isEqualTo(1.0);
    }

    private void pushKey(String key, String body) {
        HttpResponse<String> r = Pushes.post(fixture.api(), "/goim/push/keys?operation=1000&keys=" + key, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"positions\"");
    }

    @Test
    void shouldGiveKeyPushesOnlyToTheirDeviceAndResumeBothDevicesOfTheMember() throws Exception {
        Publications a = new Publications();
        Publications b = new Publications();
        JgoimClient ca = client(Transport.TCP, 503, "dev-a", true, a);
        JgoimClient cb = client(Transport.WEBSOCKET, 503, "dev-b", true, b);
        double reads = fixture.server().comet().metrics().historyReads(
                io.jgoim.comet.metrics.CometMetrics.HistorySource.STORE);

        pushKey("dev-a", "to-a-1");
        pushMid(503, "all-2");
        pushKey("dev-b", "to-b-3");
        pushKey("dev-a", "to-a-4");
        await().atMost(Duration.ofSeconds(10)).until(() -> a.bodies("mid:503").size() == 3
                && b.bodies("mid:503").size() == 2);
        assertThat(a.bodies("mid:503")).containsExactly("to-a-1", "all-2", "to-a-4");
        assertThat(a.offsets("mid:503")).containsExactly(1L, 2L, 4L);
        assertThat(b.bodies("mid:503")).containsExactly("all-2", "to-b-3");
        assertThat(b.offsets("mid:503")).containsExactly(2L, 3L);
        assertThat(fixture.server().comet().metrics().historyReads(
                io.jgoim.comet.metrics.CometMetrics.HistorySource.STORE))
                .as("skipping another device's key push reads no history").isEqualTo(reads);
        assertThat(b.states).as("b was told of no gap").allSatisfy(st -> assertThat(st.code()).isZero());

        // a is away: b's key push, a key push to a itself, a member push; a resumes with its own and the member's
        dropConnection("dev-a", ca);
        pushKey("dev-b", "to-b-5");
        pushKey("dev-a", "to-a-away-6"); // a's key is away, its member known: kept for a's resume
        pushMid(503, "all-7");
        await().atMost(Duration.ofSeconds(15)).until(() -> ca.state() == ClientState.CONNECTED);
        // b is away: a member push, a's key push, a key push to b; b resumes with the member push and its own
        dropConnection("dev-b", cb);
        pushMid(503, "all-8");
        pushKey("dev-a", "to-a-9");
        pushKey("dev-b", "to-b-away-10");
        await().atMost(Duration.ofSeconds(15)).until(() -> cb.state() == ClientState.CONNECTED);
        pushMid(503, "all-11");
        await().atMost(Duration.ofSeconds(15)).until(() -> a.bodies("mid:503").size() >= 8
                && b.bodies("mid:503").size() >= 7);
        assertThat(a.bodies("mid:503")).containsExactly("to-a-1", "all-2", "to-a-4", "to-a-away-6", "all-7",
                "all-8", "to-a-9", "all-11");
        assertThat(a.offsets("mid:503")).containsExactly(1L, 2L, 4L, 6L, 7L, 8L, 9L, 11L);
        assertThat(b.bodies("mid:503")).containsExactly("all-2", "to-b-3", "to-b-5", "all-7", "all-8",
                "to-b-away-10", "all-11");
        assertThat(b.offsets("mid:503")).containsExactly(2L, 3L, 5L, 7L, 8L, 10L, 11L);
        assertThat(reconnectState(a, "mid:503").recovered()).isTrue();
        assertThat(reconnectState(b, "mid:503").recovered()).isTrue();
        Thread.sleep(300);
        assertThat(a.bodies("mid:503")).as("no duplicate").hasSize(8);
        assertThat(b.bodies("mid:503")).as("no duplicate").hasSize(7);
    }

    private void pushAll(int op, String body) {
        HttpResponse<String> r = Pushes.post(fixture.api(), "/goim/push/all?operation=" + op, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void shouldSkipUnwatchedBroadcastsAndResumeBroadcastsAfterAReconnect() throws Exception {
        Publications pubs = new Publications();
        Pushes goim = new Pushes();
        JgoimClient c = client(Transport.TCP, 504, "bc-504", true, pubs);
        client(Transport.TCP, 0, "bc-goim", false, goim);
        pushAll(1000, "b1");
        pushAll(1001, "unwatched-2"); // the token watches op 1000 only
        pushAll(1000, "b3");
        await().atMost(Duration.ofSeconds(10)).until(() -> pubs.bodies("broadcast").size() == 2);
        assertThat(pubs.bodies("broadcast")).containsExactly("b1", "b3");
        assertThat(pubs.offsets("broadcast")).containsExactly(1L, 3L);
        assertThat(pubs.states).as("no gap reported").allSatisfy(st -> assertThat(st.code()).isZero());

        dropConnection("bc-504", c);
        pushAll(1000, "b4");
        pushAll(1001, "unwatched-5");
        pushAll(1000, "b6");
        await().atMost(Duration.ofSeconds(15)).until(() -> c.state() == ClientState.CONNECTED);
        pushAll(1000, "b7");
        await().atMost(Duration.ofSeconds(15)).until(() -> pubs.bodies("broadcast").size() >= 5);
        Thread.sleep(300);
        assertThat(pubs.bodies("broadcast")).containsExactly("b1", "b3", "b4", "b6", "b7");
        assertThat(pubs.offsets("broadcast")).containsExactly(1L, 3L, 4L, 6L, 7L);
        assertThat(reconnectState(pubs, "broadcast").recovered()).isTrue();
        // goim's client: the watched broadcasts as plain frames, as before
        await().atMost(Duration.ofSeconds(10)).until(() -> goim.received.size() >= 5);
        assertThat(goim.received).containsExactly("1000:b1", "1000:b3", "1000:b4", "1000:b6", "1000:b7");
    }

    @Test
    void shouldSayEpochChangedAfterARestart() throws Exception {
        Publications pubs = new Publications();
        JgoimClient c = client(Transport.TCP, 502, "epoch-502", true, pubs);
        pushRoom("before-1");
        pushRoom("before-2");
        await().atMost(Duration.ofSeconds(10)).until(() -> pubs.bodies(ROOM).size() == 2);
        long oldEpoch = pubs.messages.get(0).epoch();

        fixture.restart(() -> await().atMost(Duration.ofSeconds(10)).until(() -> c.state() != ClientState.CONNECTED));
        await().atMost(Duration.ofSeconds(15)).until(() -> c.state() == ClientState.CONNECTED);
        pushRoom("after-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> pubs.bodies(ROOM).size() == 3);

        // Asked to resume a stream of an epoch the restarted server does not have: told so, never a silent hole.
        StreamState room = reconnectState(pubs, ROOM);
        assertThat(room.asked()).isTrue();
        assertThat(room.code()).isEqualTo(ErrorCode.EPOCH_CHANGED.code());
        Publications.Message after = pubs.messages.get(2);
        assertThat(after.body()).isEqualTo("after-1");
        assertThat(after.epoch()).isNotEqualTo(oldEpoch);
        assertThat(after.offset()).isEqualTo(1L);
    }

    @Test
    void shouldGiveALateJoinerTheRoomsLastMessages() throws Exception {
        for (int i = 1; i <= 12; i++) {
            pushRoom("c" + i);
        }
        // No one was in the room: a late joiner asks for the last comments instead of replaying all of history.
        // (The pushes are accepted at once and reach the history with job's room batches: ask until all are in.)
        await().atMost(Duration.ofSeconds(10)).until(() -> recentBodies(5, false).contains("c12"));
        Thread.sleep(500); // let the last room batch finish reaching the comet: the next joiner gets nothing live
        assertThat(recentBodies(5, true)).containsExactly("c8", "c9", "c10", "c11", "c12");
    }

    private List<String> recentBodies(int n, boolean settled) throws Exception {
        Publications pubs = new Publications();
        JgoimClient late = client(Transport.TCP, 0, "late-" + System.nanoTime(), true, pubs);
        try {
            List<io.jgoim.client.Publication> got = late.recent(ROOM, n).get(10, TimeUnit.SECONDS);
            List<String> bodies = new ArrayList<>();
            long expected = -1;
            for (io.jgoim.client.Publication p : got) {
                assertThat(p.stream()).isEqualTo(ROOM);
                assertThat(p.op()).isEqualTo(1000);
                if (expected >= 0) {
                    assertThat(p.offset()).as("consecutive offsets").isEqualTo(expected);
                }
                expected = p.offset() + 1;
                bodies.add(p.bodyAsString());
            }
            if (settled) {
                assertThat(pubs.messages).as("the answer is not a live delivery").isEmpty();
            }
            return bodies;
        } finally {
            late.close();
        }
    }

    @Test
    void shouldShowPositionsAndRecentMessagesInTheCliClient() throws Exception {
        pushRoom("cli-1");
        pushRoom("cli-2");
        await().atMost(Duration.ofSeconds(10)).until(() -> recentBodies(2, false).contains("cli-2"));
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> new picocli.CommandLine(new ClientCommand()).execute(
                            "--port", String.valueOf(fixture.tcpPort()),
                            "--mid", "0", "--room", ROOM, "--positions", "--last", "2", "--count", "1"));
            await().atMost(Duration.ofSeconds(15)).until(() -> exit.isDone() || captured.toString(
                    java.nio.charset.StandardCharsets.UTF_8).contains("recent op=1000 " + ROOM + "@"));
            assertThat(exit.isDone()).as("the client ended early: %s", captured).isFalse();
            pushRoom("cli-3");
            assertThat(exit.get(15, TimeUnit.SECONDS)).isZero();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(out).containsPattern("recent op=1000 live://resume@\\d+/\\d+ cli-1")
                .containsPattern("recent op=1000 live://resume@\\d+/\\d+ cli-2")
                .containsPattern("stream live://resume@\\d+/\\d+ at its latest position")
                .containsPattern("push op=1000 live://resume@\\d+/\\d+ cli-3");
    }

    /** The state the server reported for {@code stream} at the reconnect (the auth reply's entry with asked set). */
    private static StreamState reconnectState(Publications pubs, String stream) {
        StreamState asked = null;
        for (StreamState s : pubs.states) {
            if (s.stream().equals(stream) && s.asked()) {
                asked = s;
            }
        }
        assertThat(asked).as("a resume state for %s in %s", stream, pubs.states).isNotNull();
        return asked;
    }
}
