package io.jgoim.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientException;
import io.jgoim.client.Reply;
import io.jgoim.client.Transport;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.server.StandaloneServer;
import io.jgoim.server.StandaloneWithClients;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The built-in comment handler, on by default in standalone (op 1001): a comment posted by one SDK client reaches
 * every member of its room as the comment domain event's push (docs/events.md body), through job's event path; the
 * poster gets {@code {"comment_id":"…"}}. A session in no room, content over the limit and a bad body get their codes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StandaloneCommentsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int COMMENT = 1001;
    private static StandaloneWithClients fixture;
    private static StandaloneServer server;

    /** Records pushes of op 1001 as their bodies. */
    static final class Comments implements ClientListener {
        final List<String> bodies = new CopyOnWriteArrayList<>();

        @Override
        public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
            if (op == COMMENT) {
                bodies.add(body.toString(StandardCharsets.UTF_8));
            }
        }
    }

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        fixture = StandaloneWithClients.in(dir).start(); // only ports: the comment route is standalone's default
        server = fixture.server();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static JgoimClient connect(Transport t, long mid, String room, ClientListener l) throws Exception {
        return fixture.connect(fixture.client(t).goimToken(mid, "c-" + mid + "-" + t, room, "web", COMMENT)
                .listener(l));
    }

    private static ErrorCode failure(JgoimClient c, String body) {
        Throwable t = catchThrowable(() -> c.sendUpstream(COMMENT, body.getBytes(StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS));
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        assertThat(t).isInstanceOf(JgoimClientException.class);
        return ((JgoimClientException) t).errorCode();
    }

    @Test
    void shouldPushAPostedCommentToEveryoneInTheRoomAndAnswerItsId() throws Exception {
        Comments posterSees = new Comments();
        Comments viewerSees = new Comments();
        Comments elsewhere = new Comments();
        JgoimClient poster = connect(Transport.WEBSOCKET, 41, "live://comments-1", posterSees);
        connect(Transport.TCP, 42, "live://comments-1", viewerSees);
        connect(Transport.TCP, 43, "live://comments-2", elsewhere);

        Reply reply = poster.sendUpstream(COMMENT, "{\"content\":\"first!\",\"nickname\":\"ann\"}"
                .getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        assertThat(reply.op()).isEqualTo(COMMENT);
        String commentId = JSON.readTree(reply.body()).get("comment_id").asText();
        assertThat(commentId).isNotEmpty();

        await().atMost(Duration.ofSeconds(10)).until(() -> !posterSees.bodies.isEmpty()
                && !viewerSees.bodies.isEmpty());
        assertThat(viewerSees.bodies).hasSize(1).isEqualTo(posterSees.bodies);
        JsonNode pushed = JSON.readTree(viewerSees.bodies.get(0));
        // docs/events.md "comment": the canonical body, member and room from the poster's session.
        assertThat(pushed.get("room_id").asText()).isEqualTo("live://comments-1");
        assertThat(pushed.get("comment_id").asText()).isEqualTo(commentId);
        assertThat(pushed.get("mid").asLong()).isEqualTo(41);
        assertThat(pushed.get("nickname").asText()).isEqualTo("ann");
        assertThat(pushed.get("content").asText()).isEqualTo("first!");
        assertThat(pushed.get("created_at_ms").asLong()).isPositive();
        assertThat(pushed.size()).isEqualTo(6);
        assertThat(elsewhere.bodies).isEmpty();
    }

    @Test
    void shouldRefuseACommentFromASessionInNoRoom() throws Exception {
        JgoimClient c = connect(Transport.TCP, 44, "", new Comments());
        assertThat(failure(c, "{\"content\":\"hello\"}")).isEqualTo(ErrorCode.BAD_ROOM);
    }

    @Test
    void shouldRefuseContentOverTheLimitAndBadBodiesAndKeepWorking() throws Exception {
        Comments sees = new Comments();
        JgoimClient c = connect(Transport.WEBSOCKET, 45, "live://comments-3", sees);
        assertThat(failure(c, "{\"content\":\"" + "x".repeat(1025) + "\"}")).isEqualTo(ErrorCode.BODY_TOO_LARGE);
        assertThat(failure(c, "{\"content\":\"\"}")).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(failure(c, "not json")).isEqualTo(ErrorCode.BAD_PARAMETER);
        assertThat(failure(c, "{\"content\":\"hi\",\"nickname\":7}")).isEqualTo(ErrorCode.BAD_PARAMETER);

        Reply ok = c.sendUpstream(COMMENT, ("{\"content\":\"" + "y".repeat(1024) + "\"}")
                .getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        assertThat(JSON.readTree(ok.body()).has("comment_id")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> sees.bodies.size() == 1);
        assertThat(JSON.readTree(sees.bodies.get(0)).get("content").asText()).hasSize(1024);
    }

    @Test
    void shouldRefuseAnAnonymousSession() throws Exception {
        JgoimClient c = connect(Transport.TCP, 0, "live://comments-4", new Comments());
        assertThat(failure(c, "{\"content\":\"hi\"}")).isEqualTo(ErrorCode.UNAUTHORIZED);
    }
}
