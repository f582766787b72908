package io.jgoim.logic;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.logic.ApiClient.Reply;
import io.jgoim.logic.push.KafkaPushPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.NodesReply;
import io.jgoim.protocol.rpc.logic.NodesReq;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.jgoim.testkit.KafkaBroker;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The whole logic node against a real redis-server and a real Kafka broker, driven over HTTP and gRPC. */
@Tag("redis")
@Tag("kafka")
@Timeout(60)
@ExtendWith(LeakCheck.class)
class LogicApiIT {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String TOPIC = "push-api-" + SUFFIX;
    private static final String UPSTREAM = "upstream-api-" + SUFFIX;
    private static final int MAX_PIPELINED = 64;

    private static RedisServer redisServer;
    private static KafkaBroker kafka;
    private static RedisClients redis;
    private static KafkaPushPublisher publisher;
    private static PrometheusMeterRegistry registry;
    private static RedisNodeRegistry nodes;
    private static LogicServer logic;
    private static ManagedChannel channel;
    private static GrpcLogicClient grpc;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        redisServer = RedisServer.start();
        kafka = KafkaBroker.shared();
        kafka.createTopics(4, TOPIC, UPSTREAM);
        Map<String, String> env = new HashMap<>();
        env.put("JGOIM_HTTP_PORT", "0");
        env.put("JGOIM_HTTP_MAX_BODY_BYTES", "1024");
        env.put("JGOIM_HTTP_MAX_PIPELINED_REQUESTS", String.valueOf(MAX_PIPELINED));
        env.put("JGOIM_GRPC_PORT", "0");
        env.put("JGOIM_REDIS_URIS", redisServer.uri());
        env.put("JGOIM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("JGOIM_KAFKA_TOPIC", TOPIC);
        env.put("JGOIM_KAFKA_UPSTREAM_TOPIC", UPSTREAM);
        env.put("JGOIM_ONLINE_AGGREGATE_INTERVAL", "200ms");
        // The pipelining tests flood logic from this JVM on a shared CPU: adaptive shedding would answer 429 here
        // (PushSheddingIT tests it with an injected CPU reading).
        env.put("JGOIM_OVERLOAD_ENABLED", "false");
        LogicConfig config = LogicConfig.load(null, env);
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        redis = RedisClients.connect(config.redis().uris(), false, config.redis().commandTimeout(), 10_000);
        nodes = new RedisNodeRegistry(redis);
        publisher = new KafkaPushPublisher(config.kafka(), "logic-it", registry);
        logic = new LogicServer(config, new RedisSessionDirectory(redis, config.redis().sessionTtl(), registry),
                publisher, nodes, registry, publisher);
        logic.start();
        channel = NettyChannelBuilder.forAddress(logic.grpcAddress()).usePlaintext().build();
        grpc = new GrpcLogicClient(channel, Duration.ofSeconds(5));
        api = new ApiClient(logic.httpAddress());
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (logic != null) {
            logic.close();
            logic.close(); // idempotent
        }
        if (publisher != null) {
            publisher.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (redisServer != null) {
            redisServer.close(); // even when startup failed: never leave a redis-server behind
        }
    }

    private static ConnectReply connect(String server, long mid, String key) {
        return grpc.connect(ConnectReq.newBuilder().setServer(server).setToken(ByteString.copyFromUtf8(
                "{\"mid\":" + mid + ",\"key\":\"" + key + "\",\"room_id\":\"live://1000\",\"accepts\":[1000]}"))
                .build()).join();
    }

    private static List<PushMsg> messagesFor(String marker, int atLeast) {
        List<PushMsg> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : KafkaRecords.read(kafka.bootstrapServers(), TOPIC,
                rec -> parse(rec.value()).getMsg().toStringUtf8().equals(marker), atLeast, Duration.ofSeconds(10))) {
            PushMsg m = parse(r.value());
            if (m.getMsg().toStringUtf8().equals(marker)) {
                assertThat(r.key()).isEqualTo(expectedKey(m));
                out.add(m);
            }
        }
        assertThat(out).hasSizeGreaterThanOrEqualTo(atLeast);
        return out;
    }

    private static String expectedKey(PushMsg m) {
        switch (m.getType()) {
            case ROOM:
                return m.getRoom();
            case PUSH:
                return m.getServer();
            default:
                return "broadcast";
        }
    }

    private static PushMsg parse(byte[] value) {
        try {
            return PushMsg.parseFrom(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldPushToKeysRoutedInRedisGroupedPerCometAndKeyedByServer() {
        ConnectReply r = connect("comet-a", 11, "k11");
        assertThat(r.getErrorCode()).isZero();
        connect("comet-b", 12, "k12");
        Reply reply = api.post("/goim/push/keys?operation=1000&keys=k11,k12,nobody", "keys-msg");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.code()).isZero();
        assertThat(reply.json().get("message").asText()).isEmpty();
        assertThat(reply.data().get("routed").asInt()).isEqualTo(2);
        List<PushMsg> msgs = messagesFor("keys-msg", 2);
        assertThat(msgs).hasSize(2);
        Map<String, List<String>> keysByServer = new HashMap<>();
        for (PushMsg m : msgs) {
            assertThat(m.getType()).isEqualTo(PushMsg.Type.PUSH);
            assertThat(m.getOperation()).isEqualTo(1000);
            assertThat(m.getCreatedAtMs()).isPositive();
            keysByServer.put(m.getServer(), m.getKeysList());
        }
        assertThat(keysByServer).isEqualTo(Map.of("comet-a", List.of("k11"), "comet-b", List.of("k12")));
    }

    @Test
    void shouldPushToEverySessionOfMembers() {
        connect("comet-a", 21, "k21a");
        connect("comet-b", 21, "k21b");
        connect("comet-a", 22, "k22");
        Reply reply = api.post("/goim/push/mids?operation=1001&mids=21,22,23", "mids-msg");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("routed").asInt()).isEqualTo(3);
        Map<String, List<String>> keysByServer = new HashMap<>();
        for (PushMsg m : messagesFor("mids-msg", 2)) {
            keysByServer.put(m.getServer(), m.getKeysList().stream().sorted().toList());
        }
        assertThat(keysByServer).isEqualTo(Map.of("comet-a", List.of("k21a", "k22"), "comet-b", List.of("k21b")));
    }

    @Test
    void shouldRenewRouteOnHeartbeatAndRestoreItWhenExpired() throws Exception {
        connect("comet-a", 61, "k61");
        redis.async().pexpire("key_{k61}", 5_000).get();
        grpc.heartbeat(io.jgoim.protocol.rpc.logic.HeartbeatReq.newBuilder().setMid(61).setKey("k61")
                .setServer("comet-a").build()).join();
        assertThat(redis.async().pttl("key_{k61}").get()).isGreaterThan(60_000L);
        redis.async().del("key_{k61}", "mid_{61}").get(); // as if the TTL ran out
        grpc.heartbeat(io.jgoim.protocol.rpc.logic.HeartbeatReq.newBuilder().setMid(61).setKey("k61")
                .setServer("comet-a").build()).join();
        assertThat(redis.async().get("key_{k61}").get()).isEqualTo("comet-a");
        assertThat(redis.async().hget("mid_{61}", "k61").get()).isEqualTo("comet-a");
    }

    @Test
    void shouldNotPushToDisconnectedSession() {
        connect("comet-a", 31, "k31");
        assertThat(grpc.disconnect(DisconnectReq.newBuilder().setMid(31).setKey("k31").setServer("comet-a")
                .build()).join().getHas()).isTrue();
        Reply reply = api.post("/goim/push/keys?operation=1000&keys=k31", "gone-msg");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.data().get("routed").asInt()).isZero();
    }

    @Test
    void shouldPublishRoomAndBroadcastPushes() {
        Reply room = api.post("/goim/push/room?operation=1002&type=live&room=1000", "room-msg");
        assertThat(room.status()).isEqualTo(200);
        assertThat(room.code()).isZero();
        assertThat(room.data().get("routed").asInt()).isZero(); // nobody in it: 0, not goim's null
        PushMsg r = messagesFor("room-msg", 1).get(0);
        assertThat(r.getType()).isEqualTo(PushMsg.Type.ROOM);
        assertThat(r.getRoom()).isEqualTo("live://1000");
        assertThat(r.getOperation()).isEqualTo(1002);

        Reply all = api.post("/goim/push/all?operation=1003&speed=500", "all-msg");
        assertThat(all.status()).isEqualTo(200);
        PushMsg b = messagesFor("all-msg", 1).get(0);
        assertThat(b.getType()).isEqualTo(PushMsg.Type.BROADCAST);
        assertThat(b.getSpeed()).isEqualTo(500);
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "POST | /goim/push/keys?keys=a                       | m | 400 | 400",
        "POST | /goim/push/keys?operation=abc&keys=a         | m | 400 | 400",
        "POST | /goim/push/keys?operation=1000               | m | 400 | 400",
        "POST | /goim/push/keys?operation=1000&keys=a,,b     | m | 400 | 400",
        "POST | /goim/push/keys?operation=7&keys=a           | m | 400 | 400",
        "POST | /goim/push/keys?operation=1000&keys=a        |   | 400 | 400",
        "POST | /goim/push/mids?operation=1000&mids=1,x      | m | 400 | 400",
        "POST | /goim/push/mids?operation=1000               | m | 400 | 400",
        "POST | /goim/push/mids?mids=1                       | m | 400 | 400",
        "POST | /goim/push/room?operation=1000&room=1        | m | 400 | 400",
        "POST | /goim/push/room?operation=1000&type=live     | m | 400 | 400",
        "POST | /goim/push/room?type=live&room=1             | m | 400 | 400",
        "POST | /goim/push/all?operation=1000&speed=-1       | m | 400 | 400",
        "POST | /goim/push/all?operation=1000&speed=fast     | m | 400 | 400",
        "POST | /goim/push/all?speed=10                      | m | 400 | 400",
        "GET  | /goim/online/top?type=live                   |   | 400 | 400",
        "GET  | /goim/online/top?type=live&limit=0           |   | 400 | 400",
        "GET  | /goim/online/top?type=live&limit=x           |   | 400 | 400",
        "GET  | /goim/online/top?limit=5                     |   | 400 | 400",
        "GET  | /goim/online/room?type=live                  |   | 400 | 400",
        "GET  | /goim/online/room?rooms=1                    |   | 400 | 400",
        "GET  | /goim/nodes/weighted                         |   | 400 | 400",
        "GET  | /goim/push/keys?operation=1000&keys=a        |   | 405 | 405",
        "POST | /goim/online/total                           | m | 405 | 405",
        "DELETE | /goim/nodes/instances                      |   | 405 | 405",
        "GET  | /goim/nope                                   |   | 404 | 404",
    })
    void shouldRefuseBadRequestsWithExactCodeAndPublishNothing(String method, String uri, String body,
                                                                int status, int code) {
        long sentBefore = registry.get("jgoim.kafka.send.latency").timer().count();
        Reply r = api.send(method, uri, body == null ? "" : body);
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.code()).isEqualTo(code);
        assertThat(r.json().get("message").asText()).isNotEmpty();
        assertThat(r.data().isNull()).isTrue();
        assertThat(registry.get("jgoim.kafka.send.latency").timer().count()).isEqualTo(sentBefore);
    }

    @Test
    void shouldAnswerPipelinedRequestsInRequestOrder() throws Exception {
        connect("comet-a", 51, "k51");
        String body = "pipelined";
        String requests = "POST /goim/push/keys?operation=1000&keys=k51 HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body
                + "GET /goim/nope HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /goim/online/total HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", logic.httpAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int first = all.indexOf("\"routed\":1");
            int second = all.indexOf("HTTP/1.1 404");
            int third = all.indexOf("conn_count");
            assertThat(first).isPositive();
            assertThat(second).isGreaterThan(first);
            assertThat(third).isGreaterThan(second);
        }
    }

    /**
     * Far more pipelined requests than logic keeps waiting per connection (and than Netty's codec allows by default,
     * 128) in one burst: every one gets its own reply, in request order, the connection stays open to the last,
     * and logic pauses reading instead of closing. Every 7th request is refused at once (404, answered on the event
     * loop) between pushes answered from Kafka's threads, so the order of the two kinds of reply is checked too.
     */
    @Test
    void shouldAnswerEveryPipelinedRequestInOrderBeyondThePipelineLimit() throws Exception {
        int n = 3_000;
        double pausesBefore = registry.get("jgoim.logic.http.read.pauses").counter().count();
        double errorsBefore = registry.get("jgoim.logic.http.connection.errors").counter().count();
        StringBuilder expected = new StringBuilder();
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String close = i == n - 1 ? "Connection: close\r\n" : "";
            if (i % 7 == 3) {
                requests.append("GET /goim/nope HTTP/1.1\r\nHost: x\r\n").append(close).append("\r\n");
                expected.append("404 ");
            } else {
                String body = "deep-" + i;
                requests.append("POST /goim/push/room?operation=1000&type=live&room=deep HTTP/1.1\r\nHost: x\r\n")
                        .append(close).append("Content-Length: ").append(body.length()).append("\r\n\r\n")
                        .append(body);
                expected.append("200 ");
            }
        }
        byte[] bytes = requests.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", logic.httpAddress().getPort())) {
            s.setSoTimeout(30_000);
            // logic stops reading while replies are due, so the requests go out from their own thread
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(bytes);
                    s.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    // the reader's count shows it
                }
            });
            writer.start();
            String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            writer.join(10_000);
            StringBuilder statuses = new StringBuilder();
            int at = 0;
            while ((at = all.indexOf("HTTP/1.1 ", at)) >= 0) {
                statuses.append(all, at + 9, at + 12).append(' ');
                at += 12;
            }
            assertThat(statuses.toString()).isEqualTo(expected.toString());
        }
        assertThat(registry.get("jgoim.logic.http.read.pauses").counter().count()).isGreaterThan(pausesBefore);
        assertThat(registry.get("jgoim.logic.http.connection.errors").counter().count()).isEqualTo(errorsBefore);
    }

    @Test
    void shouldCountAConnectionResetWithARequestPending() throws Exception {
        double before = registry.get("jgoim.logic.http.connection.errors").counter().count();
        String body = "reset";
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", logic.httpAddress().getPort())) {
            s.getOutputStream().write(("POST /goim/push/room?operation=1000&type=live&room=reset HTTP/1.1\r\nHost: x"
                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.setSoLinger(true, 0); // close with RST: logic's read or write fails with "Connection reset by peer"
        }
        await().atMost(Duration.ofSeconds(5)).until(() ->
                registry.get("jgoim.logic.http.connection.errors").counter().count() > before);
    }

    @Test
    void shouldAnswerMalformedHttpWith400() throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", logic.httpAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /goim/online/total HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(all).startsWith("HTTP/1.1 400").contains("\"code\":400");
        }
    }

    @Test
    void shouldRefuseBodyOverLimitWith413AndKeepServing() {
        Reply r = api.post("/goim/push/room?operation=1000&type=live&room=1", "x".repeat(1025));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE.code());
        Reply atLimit = api.post("/goim/push/room?operation=1000&type=live&room=1", "y".repeat(1024));
        assertThat(atLimit.status()).isEqualTo(200);
    }

    @Test
    void shouldRefuseBadTokenOverGrpcWithItsCodeAndRouteNothing() {
        ConnectReply r = grpc.connect(ConnectReq.newBuilder().setServer("comet-a")
                .setToken(ByteString.copyFromUtf8("{\"mid\":\"x\"}")).build()).join();
        assertThat(r.getErrorCode()).isEqualTo(ErrorCode.TOKEN_MALFORMED.code());
        assertThat(r.getKey()).isEmpty();
    }

    @Test
    void shouldAggregateOnlineCountsFromComets() {
        grpc.renewOnline(OnlineReq.newBuilder().setServer("comet-a").putRoomCount("chat://1", 3)
                .putRoomCount("chat://2", 1).build()).join();
        grpc.renewOnline(OnlineReq.newBuilder().setServer("comet-b").putRoomCount("chat://1", 4).build()).join();
        await().atMost(Duration.ofSeconds(5)).until(() ->
                api.get("/goim/online/room?type=chat&rooms=1").data().path("1").asInt() == 7);
        Reply top = api.get("/goim/online/top?type=chat&limit=1");
        assertThat(top.status()).isEqualTo(200);
        assertThat(top.data()).hasSize(1);
        assertThat(top.data().get(0).get("room_id").asText()).isEqualTo("1");
        assertThat(top.data().get(0).get("count").asInt()).isEqualTo(7);
        // A room push answers the room's sessions at the last count, as a mid push answers its routed sessions.
        assertThat(api.post("/goim/push/room?operation=1000&type=chat&room=1", "m").data().get("routed").asInt())
                .isEqualTo(7);
        Reply rooms = api.get("/goim/online/room?type=chat&rooms=1,2,3");
        assertThat(rooms.data().get("2").asInt()).isEqualTo(1);
        assertThat(rooms.data().get("3").asInt()).isZero();
        Map<String, Integer> cluster = grpc.renewOnline(OnlineReq.newBuilder().setServer("comet-a")
                .putRoomCount("chat://1", 3).build()).join().getAllRoomCountMap();
        assertThat(cluster).containsEntry("chat://1", 7);
        Reply total = api.get("/goim/online/total");
        assertThat(total.status()).isEqualTo(200);
        assertThat(total.data().has("conn_count")).isTrue();
    }

    @Test
    void shouldOfferLiveCometsWithAdvice() {
        long now = System.currentTimeMillis();
        nodes.register(new NodeInfo("comet-x", "local", 10, List.of("10.0.0.1:3101"), List.of("10.0.0.1:3102"),
                List.of(), "10.0.0.1:3109", 5, false, now), Duration.ofMinutes(1)).join();
        nodes.register(new NodeInfo("comet-y", "local", 10, List.of("10.0.0.2:3101"), List.of("10.0.0.2:3102"),
                List.of(), "10.0.0.2:3109", 0, true, now), Duration.ofMinutes(1)).join();
        Reply weighted = api.get("/goim/nodes/weighted?platform=web");
        assertThat(weighted.status()).isEqualTo(200);
        assertThat(weighted.data().get("nodes").toString()).isEqualTo("[\"10.0.0.1:3102\"]");
        assertThat(weighted.data().get("heartbeat").asInt()).isEqualTo(240);
        assertThat(weighted.data().get("backoff").get("factor").asDouble()).isEqualTo(1.6);
        Reply instances = api.get("/goim/nodes/instances");
        assertThat(instances.data().toString()).contains("comet-x", "comet-y");
        NodesReply viaGrpc = grpc.nodes(NodesReq.newBuilder().setPlatform("android").build()).join();
        assertThat(viaGrpc.getNodesList()).containsExactly("10.0.0.1:3101");
    }

    @Test
    void shouldPublishUpstreamMessagesToTheirTopic() {
        ReceiveReq req = ReceiveReq.newBuilder().setMid(41).setKey("k41").setServer("comet-a")
                .setProto(Proto.newBuilder().setOp(4).setBody(ByteString.copyFromUtf8("up"))).build();
        grpc.receive(req).join();
        List<ConsumerRecord<String, byte[]>> recs = KafkaRecords.read(kafka.bootstrapServers(), UPSTREAM, 1,
                Duration.ofSeconds(10));
        assertThat(recs).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("k41");
            assertThat(r.value()).isEqualTo(req.toByteArray());
        });
    }

    @Test
    void shouldServeMetricsAndHealth() {
        api.post("/goim/push/room?operation=1000&type=live&room=9", "m");
        Reply metrics = api.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains(
                "jgoim_logic_api_requests_seconds_count{code=\"0\",route=\"/goim/push/room\"}",
                "jgoim_logic_api_requests_seconds_bucket", "jgoim_kafka_send_latency_seconds_count",
                "jgoim_redis_latency_seconds", "jgoim_kafka_send_errors_total", "jgoim_redis_errors_total",
                "jgoim_logic_sessions_connected_total", "jgoim_logic_push_sessions_routed_total");
        assertThat(api.get("/health").status()).isEqualTo(200);
    }
}
