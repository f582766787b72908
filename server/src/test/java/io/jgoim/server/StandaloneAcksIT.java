package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.client.ClientState;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.common.history.HistoryStore;
import io.jgoim.comet.index.Session;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.micrometer.core.instrument.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Must-deliver pushes end to end in standalone mode with the Java SDK (positions on, acking): a member with two
 * devices, one of them offline, keeps the must-deliver message in its history past the retention size until the
 * offline device comes back with its key and last position, gets it by resume and acks it; then the history trims
 * back to its size. The ack status route tells which device acked, before and after. A pin older than the ttl is
 * released without any ack. The SDK acks once per interval when its position moved, once after a resume, and never
 * once per message.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StandaloneAcksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOM = "live://acks";

    @TempDir
    Path dir;
    private StandaloneWithClients fixture;
    private StandaloneServer server;

    /** A standalone with member history of {@code size} messages and {@code ttl}, acks flushed every 100 ms. */
    private void start(int size, String ttl) throws Exception {
        fixture = StandaloneWithClients.in(dir)
                .comet("history: {ackFlushInterval: \"100ms\"}")
                .logic("history:", "  members: {size: " + size + ", ttl: \"" + ttl + "\"}").start();
        server = fixture.server();
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private JgoimClient device(long mid, String key, Duration ackInterval, List<StreamPosition> resumeFrom,
                               Publications listener) throws Exception {
        return fixture.connect(fixture.client(Transport.TCP).goimToken(mid, key, ROOM, "test", 1000)
                .heartbeatInterval(Duration.ofSeconds(5)).positions(true).ackInterval(ackInterval)
                .resumeFrom(resumeFrom).reconnect(true).backoff(Duration.ofMillis(200), Duration.ofMillis(400))
                .listener(listener));
    }

    private JsonNode pushMid(long mid, String body, boolean mustDeliver) throws Exception {
        HttpResponse<String> r = Pushes.post(fixture.api(), "/goim/push/mids?operation=1000&mids=" + mid
                + (mustDeliver ? "&must_deliver=true" : ""), body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("data").get("positions").get(Long.toString(mid));
    }

    /** key -> acked, from GET /goim/push/acks. */
    private Map<String, Boolean> acked(long mid, String epoch, long offset) throws Exception {
        HttpResponse<String> r = Pushes.get(fixture.api(), "/goim/push/acks?mid=" + mid + "&epoch=" + epoch
                + "&offset=" + offset);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Map<String, Boolean> out = new HashMap<>();
        JSON.readTree(r.body()).get("data").get("devices").forEach(d ->
                out.put(d.get("key").asText(), d.get("acked").asBoolean()));
        return out;
    }

    private HistoryStore.Slice history(long mid) {
        return server.history().read("mid:" + mid, 0, 1000, false).join();
    }

    private long acksReadByComet() {
        Counter c = server.meters().find("jgoim_comet_frames_in").tag("op", "ack").counter();
        return c == null ? 0 : (long) c.count();
    }

    @Test
    void shouldKeepAMustDeliverMessageForAnOfflineDeviceUntilEveryDeviceAckedIt() throws Exception {
        start(100, "1h");
        Publications phone = new Publications();
        Publications tablet = new Publications();
        JgoimClient a = device(601, "601-phone", Duration.ofMillis(200), List.of(), phone);
        JgoimClient b = device(601, "601-tablet", Duration.ofMillis(200), List.of(), tablet);
        pushMid(601, "hello", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> tablet.bodies("mid:601").size() == 1
                && phone.bodies("mid:601").size() == 1);
        List<StreamPosition> tabletKept = b.positions(); // what the app stores before it stops
        b.close();

        JsonNode must = pushMid(601, "must", true);
        String epoch = must.get("epoch").asText();
        long offset = must.get("offset").asLong();
        assertThat(offset).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> acked(601, epoch, offset).getOrDefault("601-phone", false));
        assertThat(acked(601, epoch, offset)).isEqualTo(Map.of("601-phone", true, "601-tablet", false));

        for (int i = 3; i <= 252; i++) {
            pushMid(601, "p" + i, false);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> phone.bodies("mid:601").size() == 252);
        HistoryStore.Slice held = history(601);
        assertThat(held.top()).isEqualTo(252);
        assertThat(held.first()).as("the pin holds the history back to the must-deliver message").isEqualTo(2);
        assertThat(new String(held.entries().get(0), java.nio.charset.StandardCharsets.UTF_8)).endsWith("must");

        // The phone acked everything it got, and sends nothing while nothing moves.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.history().devices("mid:601",
                new io.jgoim.common.history.Retention(100, Duration.ofHours(1))).join().devices().stream()
                .anyMatch(d -> d.key().equals("601-phone") && d.offset() == 252));
        long phoneAcks = a.acksSent();
        assertThat(phoneAcks).as("never one ack per message").isLessThan(252);
        Thread.sleep(1_000); // five ack intervals without a new message
        assertThat(a.acksSent()).as("no ack while the position stands still").isEqualTo(phoneAcks);

        // The tablet comes back with its key and last position: it gets the must-deliver message by resume.
        Publications back = new Publications();
        JgoimClient b2 = device(601, "601-tablet", Duration.ofMillis(200), tabletKept, back);
        await().atMost(Duration.ofSeconds(20)).until(() -> back.bodies("mid:601").size() == 251);
        List<String> expected = new ArrayList<>();
        expected.add("must");
        for (int i = 3; i <= 252; i++) {
            expected.add("p" + i);
        }
        assertThat(back.bodies("mid:601")).containsExactlyElementsOf(expected);
        assertThat(back.offsets("mid:601").get(0)).isEqualTo(2L);
        StreamState resumed = back.lastState("mid:601");
        assertThat(resumed.asked()).isTrue();
        assertThat(resumed.recovered()).isTrue();

        // Its ack after the resume releases the pin: the history trims back to its size.
        await().atMost(Duration.ofSeconds(10)).until(() -> history(601).first() == 153);
        assertThat(history(601).entries()).hasSize(100);
        assertThat(acked(601, epoch, offset)).isEqualTo(Map.of("601-phone", true, "601-tablet", true));
        assertThat(b2.acksSent()).as("one ack right after the resume").isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> acksReadByComet() == a.acksSent() + b.acksSent()
                + b2.acksSent());
    }

    @Test
    void shouldAckOnceAfterAResumeAndNeverPerMessage() throws Exception {
        start(100, "1h");
        Publications pubs = new Publications();
        JgoimClient c = device(602, "602-phone", Duration.ofHours(1), List.of(), pubs); // the timer never fires
        String epoch = pushMid(602, "m1", false).get("epoch").asText();
        for (int i = 2; i <= 30; i++) {
            pushMid(602, "m" + i, false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pubs.bodies("mid:602").size() == 30);
        assertThat(c.acksSent()).as("no ack per message").isZero();
        assertThat(acked(602, epoch, 1)).isEqualTo(Map.of("602-phone", false));

        Session s = server.comet().index().session("602-phone");
        s.channel().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> c.state() != ClientState.CONNECTED);
        pushMid(602, "m31", false); // usually while it is away; either way it arrives
        await().atMost(Duration.ofSeconds(15)).until(() -> c.state() == ClientState.CONNECTED
                && pubs.bodies("mid:602").size() == 31);
        StreamState resumed = pubs.lastState("mid:602");
        assertThat(resumed.asked()).isTrue();
        assertThat(resumed.recovered()).isTrue();
        // one ack, right after the resume, of where the resume left the client
        await().atMost(Duration.ofSeconds(10)).until(() -> acked(602, epoch, resumed.offset())
                .equals(Map.of("602-phone", true)));
        assertThat(c.acksSent()).isEqualTo(1);
        if (resumed.offset() < 31) {
            assertThat(acked(602, epoch, 31)).as("m31 came live after the resume: no ack until the timer")
                    .isEqualTo(Map.of("602-phone", false));
        }
    }

    @Test
    void shouldReleaseAPinOlderThanTheTtl() throws Exception {
        start(5, "2s");
        Publications phone = new Publications();
        Publications tablet = new Publications();
        device(603, "603-phone", Duration.ofMillis(200), List.of(), phone);
        JgoimClient b = device(603, "603-tablet", Duration.ofMillis(200), List.of(), tablet);
        b.close(); // seen, never acks
        JsonNode must = pushMid(603, "must", true);
        for (int i = 0; i < 10; i++) {
            pushMid(603, "p" + i, false);
        }
        assertThat(history(603).first()).isEqualTo(must.get("offset").asLong());
        // keep the stream alive with a push now and then; within a few seconds the pin ages out
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
            pushMid(603, "tick", false);
            return history(603).first() > must.get("offset").asLong();
        });
        assertThat(history(603).entries()).hasSize(5);
    }
}
