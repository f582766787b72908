package io.jgoim.logic.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamEnvelopeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode envelope(byte[] body) throws Exception {
        ReceiveReq r = ReceiveReq.newBuilder().setMid(5).setKey("k").setServer("c1").setRoomId("live://1")
                .setProto(Proto.newBuilder().setOp(1000).setSeq(9).setBody(ByteString.copyFrom(body))).build();
        return JSON.readTree(UpstreamEnvelope.encode(r));
    }

    @Test
    void shouldEmbedAJsonObjectOrArrayAndCarryTheSessionFields() throws Exception {
        JsonNode e = envelope("  {\"a\": [1, \"x\"]}\n".getBytes());
        assertThat(e.get("mid").asLong()).isEqualTo(5);
        assertThat(e.get("key").asText()).isEqualTo("k");
        assertThat(e.get("room_id").asText()).isEqualTo("live://1");
        assertThat(e.get("op").asInt()).isEqualTo(1000);
        assertThat(e.get("seq").asInt()).isEqualTo(9);
        assertThat(e.get("server").asText()).isEqualTo("c1");
        assertThat(e.get("body").toString()).isEqualTo("{\"a\":[1,\"x\"]}");
        assertThat(envelope("[1,2]".getBytes()).get("body").toString()).isEqualTo("[1,2]");
    }

    @Test
    void shouldSendAnythingElseAsBase64() throws Exception {
        for (byte[] body : new byte[][] {"text".getBytes(), "42".getBytes(), "{\"a\":1} trailing".getBytes(),
                "{\"unclosed\":".getBytes(), {(byte) 0xff, '{'}, {}}) {
            JsonNode e = envelope(body);
            assertThat(e.has("body")).isFalse();
            assertThat(Base64.getDecoder().decode(e.get("body_base64").asText())).isEqualTo(body);
        }
    }
}
