package io.jgoim.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.server.cluster.Cluster;
import io.jgoim.server.cluster.CometNode;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces checked by a real backend: a cluster (real redis-server, real KRaft Kafka, logic, one job, two comets) with
 * tracing on every node exports to a real Zipkin server (a separate JVM, from Maven Central), and one room push is
 * followed through Zipkin's query API: ONE trace, whose spans cover logic (HTTP push, Kafka produce), job (Kafka
 * consume, dispatch, one gRPC call per comet) and each comet (one fan-out span per comet with its recipient count),
 * each span the child of the one before it, and whose id is the one the push API returned to the caller. A caller's
 * {@code traceparent} is continued; a malformed one starts a new trace. A session's auth is one trace across comet
 * and logic. (Sampling at ratio 0 with a caller's sampled flag is checked in logic's PushSpansTest.)
 */
class TracingClusterIT {
    private static final String ROOM = "traced";

    @TempDir
    static Path dir;
    private static ZipkinProcess zipkin;
    private static Cluster cluster;
    private static EventLoopGroup group;
    private static final List<JgoimClient> clients = new ArrayList<>();
    private static final List<Pushes> received = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        zipkin = ZipkinProcess.start(dir);
        cluster = Cluster.start(dir, Cluster.Options.of(2, 1).nodeYaml("tracing: {enabled: true, exporter: zipkin, "
                + "endpoint: \"" + zipkin.spansEndpoint() + "\", samplingRatio: 1.0}\n"));
        zipkin.awaitReady(Duration.ofSeconds(120));
        group = ClientTransports.newEventLoopGroup(1);
        long mid = 7000;
        for (CometNode c : cluster.comets()) {
            Pushes p = new Pushes();
            String[] hostPort = c.tcp().split(":");
            JgoimClient client = JgoimClient.builder().host(hostPort[0]).port(Integer.parseInt(hostPort[1]))
                    .transport(Transport.TCP).goimToken(++mid, "trace-" + mid, "live://" + ROOM, "test", 1000)
                    .heartbeatInterval(Duration.ofSeconds(5)).reconnect(false).group(group).listener(p).build();
            client.connect().get(10, TimeUnit.SECONDS);
            clients.add(client);
            received.add(p);
        }
        // Both comets hold the room and job knows it: a push reaches both sessions.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            push("warm-up", null);
            return received.stream().allMatch(p -> p.received.contains("1000:warm-up"));
        });
    }

    @AfterAll
    static void stop() throws Exception {
        clients.forEach(JgoimClient::close);
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (cluster != null) {
            cluster.close();
        }
        if (zipkin != null) {
            zipkin.close();
        }
    }

    private static HttpResponse<String> push(String body, String traceparent) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.api()
                        + "/goim/push/room?operation=1000&type=live&room=" + ROOM))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        try {
            HttpResponse<String> r = Pushes.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"code\":0");
            return r;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String hex(int chars) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < chars) {
            sb.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
        }
        return sb.substring(0, chars);
    }

    /** Pushes {@code body} under a sampled caller trace and returns the trace id the API answered. */
    private static String tracedPush(String body, String callerSpan, String callerTrace) {
        HttpResponse<String> r = push(body, "00-" + callerTrace + "-" + callerSpan + "-01");
        String traceId = r.headers().firstValue("X-Trace-Id").orElseThrow();
        assertThat(r.headers().firstValue("traceparent").orElseThrow())
                .matches("00-" + traceId + "-[0-9a-f]{16}-0[13]"); // sampled
        await().atMost(Duration.ofSeconds(20)).until(() ->
                received.stream().allMatch(p -> p.received.contains("1000:" + body)));
        return traceId;
    }

    /** Zipkin's spans of {@code traceId} once all {@code count} arrived (export is batched and asynchronous). */
    private static List<JsonNode> spans(String traceId, int count) {
        List<JsonNode> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            out.clear();
            zipkin.trace(traceId).forEach(out::add);
            return out.size() >= count;
        });
        return out;
    }

    private static String service(JsonNode span) {
        return span.path("localEndpoint").path("serviceName").asText();
    }

    private static List<JsonNode> named(List<JsonNode> spans, String name) {
        return spans.stream().filter(s -> s.path("name").asText().equalsIgnoreCase(name)).toList();
    }

    private static JsonNode one(List<JsonNode> spans, String name, String service) {
        List<JsonNode> found = named(spans, name);
        assertThat(found).as("spans named %s in %s", name, spans).hasSize(1);
        assertThat(service(found.get(0))).isEqualTo(service);
        return found.get(0);
    }

    @Test
    void shouldFollowOneRoomPushThroughLogicKafkaJobAndEachCometInOneTrace() {
        String callerTrace = hex(32);
        String callerSpan = hex(16);
        String traceId = tracedPush("followed", callerSpan, callerTrace);
        assertThat(traceId).as("the caller's trace is continued").isEqualTo(callerTrace);

        // 1 HTTP push + 1 produce + 1 consume + 1 dispatch + per comet (2): 1 gRPC call + 1 fan-out = 8 spans.
        List<JsonNode> spans = spans(traceId, 8);
        assertThat(spans).hasSize(8).allSatisfy(s -> assertThat(s.path("traceId").asText()).isEqualTo(traceId));

        JsonNode http = one(spans, "POST /goim/push/room", "logic");
        assertThat(http.path("kind").asText()).isEqualTo("SERVER");
        assertThat(http.path("parentId").asText()).as("child of the caller's span").isEqualTo(callerSpan);
        JsonNode produce = one(spans, "kafka produce", "logic");
        assertThat(produce.path("kind").asText()).isEqualTo("PRODUCER");
        assertThat(produce.path("parentId").asText()).isEqualTo(http.path("id").asText());
        JsonNode consume = one(spans, "kafka consume", "job");
        assertThat(consume.path("kind").asText()).isEqualTo("CONSUMER");
        assertThat(consume.path("parentId").asText()).isEqualTo(produce.path("id").asText());
        JsonNode dispatch = one(spans, "job dispatch", "job");
        assertThat(dispatch.path("parentId").asText()).isEqualTo(consume.path("id").asText());

        List<JsonNode> calls = named(spans, "Comet/BroadcastRoom");
        assertThat(calls).hasSize(2).allSatisfy(c -> {
            assertThat(service(c)).isEqualTo("job");
            assertThat(c.path("kind").asText()).isEqualTo("CLIENT");
            assertThat(c.path("parentId").asText()).isEqualTo(dispatch.path("id").asText());
        });
        Set<String> comets = new HashSet<>();
        calls.forEach(c -> comets.add(c.path("tags").path("jgoim.comet.id").asText()));
        assertThat(comets).containsExactlyInAnyOrderElementsOf(
                cluster.comets().stream().map(CometNode::id).toList());

        List<JsonNode> fanOuts = named(spans, "comet fan-out BroadcastRoom");
        assertThat(fanOuts).hasSize(2);
        Map<String, JsonNode> byParent = new HashMap<>();
        for (JsonNode f : fanOuts) {
            assertThat(service(f)).isEqualTo("comet");
            assertThat(f.path("kind").asText()).isEqualTo("SERVER");
            assertThat(f.path("tags").path("jgoim.recipients").asText()).as("one session per comet").isEqualTo("1");
            assertThat(f.path("tags").path("jgoim.room").asText()).isEqualTo("live://" + ROOM);
            byParent.put(f.path("parentId").asText(), f);
        }
        // Each comet's fan-out is the child of job's call to that comet: one each, none shared.
        assertThat(byParent.keySet()).containsExactlyInAnyOrderElementsOf(
                calls.stream().map(c -> c.path("id").asText()).toList());
    }

    @Test
    void shouldStartANewTraceForAMalformedTraceparent() {
        String malformed = "00-" + hex(31) + "-" + hex(16) + "-01"; // a trace id one digit short
        HttpResponse<String> r = push("malformed", malformed);
        String traceId = r.headers().firstValue("X-Trace-Id").orElseThrow();
        assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo(malformed.substring(3, 34));
        await().atMost(Duration.ofSeconds(20)).until(() ->
                received.stream().allMatch(p -> p.received.contains("1000:malformed")));
        // Only the root matters here (the whole trace's shape is the first test's): wait for logic's push span.
        List<JsonNode> spans = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            spans.clear();
            zipkin.trace(traceId).forEach(spans::add);
            return !named(spans, "POST /goim/push/room").isEmpty();
        });
        JsonNode http = one(spans, "POST /goim/push/room", "logic");
        assertThat(http.has("parentId")).as("a new trace: the push span is its root").isFalse();
    }

    @Test
    void shouldTraceASessionsAuthFromTheCometThroughLogic() {
        // The sessions of start() authenticated with tracing on: comet's Connect call and logic's Connect.
        await().atMost(Duration.ofSeconds(30)).until(() -> authTraced(zipkin.traces("comet", "Logic/Connect")));
    }

    private static boolean authTraced(JsonNode traces) {
        boolean found = false;
        for (JsonNode trace : traces) {
            List<JsonNode> spans = new ArrayList<>();
            trace.forEach(spans::add);
            List<JsonNode> connect = named(spans, "Logic/Connect");
            JsonNode client = connect.stream().filter(s -> s.path("kind").asText().equals("CLIENT")).findFirst()
                    .orElse(null);
            JsonNode server = connect.stream().filter(s -> s.path("kind").asText().equals("SERVER")).findFirst()
                    .orElse(null);
            if (client != null && server != null) {
                assertThat(service(client)).isEqualTo("comet");
                assertThat(service(server)).isEqualTo("logic");
                assertThat(server.path("parentId").asText()).isEqualTo(client.path("id").asText());
                found = true;
            }
        }
        return found;
    }
}
