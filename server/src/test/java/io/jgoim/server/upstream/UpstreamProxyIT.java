package io.jgoim.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientException;
import io.jgoim.client.Reply;
import io.jgoim.client.Transport;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.server.StandaloneServer;
import io.jgoim.server.StandaloneWithClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The upstream router's http kind end to end: SDK clients → comet → logic → a real HTTP backend on a loopback port
 * (the JDK's HttpServer), in standalone. The backend's body comes back with the request's seq; a slow, down, failing
 * or oversized backend gives the client its error code and the session keeps working.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpstreamProxyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ECHO = 2000;
    private static final int SLOW = 2001;
    private static final int FAIL = 2002;
    private static final int BIG = 2003;
    private static final int DOWN = 2004;
    private static StandaloneWithClients fixture;
    private static StandaloneServer server;
    private static TestBackend backend;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        backend = new TestBackend(4096);
        fixture = StandaloneWithClients.in(dir).logic(
                "upstream:",
                "  routes:",
                "    - {ops: \"" + ECHO + "\", kind: http, url: \"" + backend.url("/echo") + "\"}",
                "    - {ops: \"" + SLOW + "\", kind: http, url: \"" + backend.url("/slow") + "\"}",
                "    - {ops: \"" + FAIL + "\", kind: http, url: \"" + backend.url("/fail") + "\"}",
                "    - {ops: \"" + BIG + "\", kind: http, url: \"" + backend.url("/big") + "\"}",
                "    - {ops: \"" + DOWN + "\", kind: http, url: \"" + TestBackend.deadUrl() + "\"}",
                "  http: {timeout: 3s, maxReplyBytes: 1024}").start();
        server = fixture.server();
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private static JgoimClient connect(Transport t, long mid, String room, boolean extended) throws Exception {
        return fixture.connect(fixture.client(t).goimToken(mid, "up-" + mid, room, "test", 1000).extended(extended));
    }

    private static Reply send(JgoimClient c, int op, String body) throws Exception {
        return c.sendUpstream(op, body.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    }

    private static ErrorCode failure(JgoimClient c, int op) {
        Throwable t = catchThrowable(() -> c.sendUpstream(op, "{}".getBytes(StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS));
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        assertThat(t).isInstanceOf(JgoimClientException.class);
        return ((JgoimClientException) t).errorCode();
    }

    @Test
    void shouldReplyWithTheBackendsBodyAndTheRequestsSeq() throws Exception {
        JgoimClient c = connect(Transport.WEBSOCKET, 901, "live://5", true);
        Reply first = send(c, ECHO, "{\"q\": [1, 2]}");
        Reply second = send(c, ECHO, "{\"q\": 3}");

        // The backend echoes the envelope it got: the client sees exactly what its backend answered.
        JsonNode env = JSON.readTree(first.body());
        assertThat(first.op()).isEqualTo(ECHO);
        assertThat(env.get("mid").asLong()).isEqualTo(901);
        assertThat(env.get("key").asText()).isEqualTo("up-901");
        assertThat(env.get("room_id").asText()).isEqualTo("live://5");
        assertThat(env.get("op").asInt()).isEqualTo(ECHO);
        assertThat(env.get("seq").asInt()).isEqualTo(first.seq());
        assertThat(env.get("server").asText()).isNotEmpty();
        assertThat(env.get("body").toString()).isEqualTo("{\"q\":[1,2]}");
        assertThat(env.has("body_base64")).isFalse();
        assertThat(JSON.readTree(second.body()).get("seq").asInt()).isEqualTo(second.seq()).isNotEqualTo(first.seq());
    }

    @Test
    void shouldSendABodyThatIsNotJsonAsBase64() throws Exception {
        JgoimClient c = connect(Transport.TCP, 902, "live://5", true);
        byte[] binary = {0, 1, (byte) 0xff, '{'};
        Reply r = c.sendUpstream(ECHO, binary).get(10, TimeUnit.SECONDS);
        JsonNode env = JSON.readTree(r.body());
        assertThat(env.has("body")).isFalse();
        assertThat(Base64.getDecoder().decode(env.get("body_base64").asText())).isEqualTo(binary);
        // A bare JSON scalar is not embedded either.
        JsonNode text = JSON.readTree(send(c, ECHO, "\"hi\"").body());
        assertThat(new String(Base64.getDecoder().decode(text.get("body_base64").asText()), StandardCharsets.UTF_8))
                .isEqualTo("\"hi\"");
    }

    @Test
    void shouldAnswerTimeoutForASlowBackendAndKeepTheSessionWorking() throws Exception {
        JgoimClient c = connect(Transport.TCP, 903, "live://5", true);
        assertThat(failure(c, SLOW)).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(backend.slowCalls.get()).isGreaterThanOrEqualTo(1);
        Reply after = send(c, ECHO, "{\"after\":true}");
        assertThat(JSON.readTree(after.body()).get("body").get("after").asBoolean()).isTrue();
    }

    @Test
    void shouldAnswerUnavailableWhenTheBackendRefusesConnections() throws Exception {
        JgoimClient c = connect(Transport.WEBSOCKET, 904, "live://5", true);
        assertThat(failure(c, DOWN)).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(send(c, ECHO, "{}").op()).isEqualTo(ECHO);
    }

    @Test
    void shouldAnswerUpstreamFailedWhenTheBackendAnswers500() throws Exception {
        JgoimClient c = connect(Transport.TCP, 905, "live://5", true);
        assertThat(failure(c, FAIL)).isEqualTo(ErrorCode.UPSTREAM_FAILED);
        assertThat(failure(c, FAIL).code()).isEqualTo(502);
        assertThat(send(c, ECHO, "{}").op()).isEqualTo(ECHO);
    }

    @Test
    void shouldAnswerBodyTooLargeForAReplyOverTheLimit() throws Exception {
        JgoimClient c = connect(Transport.WEBSOCKET, 906, "live://5", true);
        assertThat(failure(c, BIG)).isEqualTo(ErrorCode.BODY_TOO_LARGE);
        assertThat(send(c, ECHO, "{}").op()).isEqualTo(ECHO);
    }

    @Test
    void shouldGiveAGoimClientTheEmptyEchoWhenTheRouteFails() throws Exception {
        JgoimClient c = connect(Transport.TCP, 907, "live://5", false);
        Reply r = send(c, FAIL, "{}");
        assertThat(r.op()).isEqualTo(FAIL);
        assertThat(r.body()).isEmpty();
        // ...and the backend's body when it answers.
        assertThat(JSON.readTree(send(c, ECHO, "{}").body()).get("op").asInt()).isEqualTo(ECHO);
    }

    @Test
    void shouldAnswerAnOpNoRouteNamesWithGoimsEmptyReply() throws Exception {
        JgoimClient c = connect(Transport.TCP, 908, "live://5", true);
        Reply r = send(c, 1500, "anything");
        assertThat(r.op()).isEqualTo(1500);
        assertThat(r.body()).isEmpty();
    }
}
