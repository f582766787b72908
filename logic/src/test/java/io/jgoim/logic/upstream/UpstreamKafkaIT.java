package io.jgoim.logic.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jgoim.logic.KafkaRecords;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.push.KafkaPushPublisher;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.jgoim.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster's upstream kinds against a real Kafka broker: the kafka kind publishes the documented ReceiveReq
 * (docs/events.md, with the session's room) keyed by the session key; the comment kind publishes the comment event
 * to the comment topic keyed by room, as job consumes it.
 */
@Tag("kafka")
class UpstreamKafkaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaBroker kafka = KafkaBroker.shared();
    private final String upstreamTopic = "upstream-" + UUID.randomUUID();
    private final String commentTopic = "comment-" + UUID.randomUUID();
    private KafkaPushPublisher publisher;
    private UpstreamRouter router;

    @AfterEach
    void close() {
        if (router != null) {
            router.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    private void start() {
        kafka.createTopics(3, upstreamTopic, commentTopic);
        LogicConfig c = LogicConfig.load(null, Map.of("JGOIM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "JGOIM_KAFKA_UPSTREAM_TOPIC", upstreamTopic, "JGOIM_UPSTREAM_COMMENT_TOPIC", commentTopic));
        UpstreamConfig u = new UpstreamConfig(List.of(new UpstreamConfig.Route("1001", "comment", null)),
                c.upstream().http(), c.upstream().comment());
        publisher = new KafkaPushPublisher(c.kafka(), "upstream-it", new SimpleMeterRegistry());
        router = UpstreamRouter.of(u, publisher,
                (room, event) -> publisher.publishRecord(u.comment().topic(), room, event), new SimpleMeterRegistry());
    }

    private static ReceiveReq message(int op, String body) {
        return ReceiveReq.newBuilder().setMid(123).setKey("phone-123").setServer("comet-1").setRoomId("live://9")
                .setProto(Proto.newBuilder().setVer(1).setOp(op).setSeq(7)
                        .setBody(ByteString.copyFromUtf8(body))).build();
    }

    @Test
    void shouldPublishTheDocumentedReceiveReqKeyedBySessionKey() throws Exception {
        start();
        ReceiveReply reply = router.route(message(1000, "{\"like\":true}")).get(10, TimeUnit.SECONDS);
        assertThat(reply.getErrorCode()).isZero();
        assertThat(reply.getBody().isEmpty()).isTrue();

        List<ConsumerRecord<String, byte[]>> records = KafkaRecords.read(kafka.bootstrapServers(), upstreamTopic, 1,
                Duration.ofSeconds(10));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("phone-123");
        ReceiveReq r = ReceiveReq.parseFrom(records.get(0).value());
        assertThat(r.getMid()).isEqualTo(123);
        assertThat(r.getKey()).isEqualTo("phone-123");
        assertThat(r.getServer()).isEqualTo("comet-1");
        assertThat(r.getRoomId()).isEqualTo("live://9");
        assertThat(r.getProto().getOp()).isEqualTo(1000);
        assertThat(r.getProto().getSeq()).isEqualTo(7);
        assertThat(r.getProto().getBody().toStringUtf8()).isEqualTo("{\"like\":true}");
    }

    @Test
    void shouldPublishACommentEventToTheCommentTopicKeyedByRoom() throws Exception {
        start();
        ReceiveReply reply = router.route(message(1001, "{\"content\":\"hi\",\"nickname\":\"ann\"}"))
                .get(10, TimeUnit.SECONDS);
        assertThat(reply.getErrorCode()).isZero();
        String id = JSON.readTree(reply.getBody().toByteArray()).get("comment_id").asText();

        List<ConsumerRecord<String, byte[]>> records = KafkaRecords.read(kafka.bootstrapServers(), commentTopic, 1,
                Duration.ofSeconds(10));
        assertThat(records).hasSize(1);
        assertThat(records.get(0).key()).isEqualTo("live://9");
        JsonNode e = JSON.readTree(new String(records.get(0).value(), StandardCharsets.UTF_8));
        assertThat(e.get("room_id").asText()).isEqualTo("live://9");
        assertThat(e.get("comment_id").asText()).isEqualTo(id);
        assertThat(e.get("mid").asLong()).isEqualTo(123);
        assertThat(e.get("nickname").asText()).isEqualTo("ann");
        assertThat(e.get("content").asText()).isEqualTo("hi");
        assertThat(e.get("created_at_ms").asLong()).isPositive();
    }
}
