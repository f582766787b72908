package io.jgoim.common.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonReplyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A value that writes its own JSON, as a push's {"routed": n} does; Jackson sees a record of one field. */
    record Count(long count) implements RawJson {
        @Override
        public void writeJson(ByteBuf out) {
            out.writeCharSequence("{\"count\":", StandardCharsets.US_ASCII);
            RawJson.writeLong(out, count);
            out.writeByte('}');
        }
    }

    private static String jackson(Object data) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", 0);
        body.put("message", "");
        body.put("data", data);
        return JSON.writeValueAsString(body);
    }

    private static String body(FullHttpResponse r) {
        try {
            assertThat(r.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(r.content().readableBytes());
            assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json; charset=utf-8");
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void shouldWriteTheSameBytesAsJacksonForRawDataAcrossTheNumberRange() throws Exception {
        long[] values = {0, 1, 9, 10, 99, 100, 12345, -1, -10, Integer.MAX_VALUE, Integer.MIN_VALUE,
                Long.MAX_VALUE, Long.MIN_VALUE, 999_999_999_999L, -1_000_000_000_000L};
        for (long v : values) {
            FullHttpResponse r = JsonReply.ok(new Count(v));
            assertThat(r.status().code()).isEqualTo(200);
            assertThat(body(r)).as("count %d", v).isEqualTo(jackson(new Count(v)));
        }
    }

    @Test
    void shouldWriteTheSameBytesAsJacksonForANullData() throws Exception {
        assertThat(body(JsonReply.ok(null))).isEqualTo(jackson(null)).isEqualTo("{\"code\":0,\"message\":\"\",\"data\":null}");
    }

    @Test
    void shouldKeepTheJacksonPathForOtherDataAndForErrors() throws Exception {
        Map<String, Object> data = Map.of("x", 1);
        assertThat(body(JsonReply.ok(data))).isEqualTo(jackson(data));
        FullHttpResponse error = JsonReply.error(ErrorCode.BAD_PARAMETER, "bad \"thing\"");
        assertThat(error.status().code()).isEqualTo(ErrorCode.BAD_PARAMETER.httpStatus());
        assertThat(body(error)).isEqualTo(
                "{\"code\":" + ErrorCode.BAD_PARAMETER.code() + ",\"message\":\"bad \\\"thing\\\"\",\"data\":null}");
    }

    @Test
    void shouldWriteLongsAsJsonDoes() {
        for (long v : new long[]{0, 7, -7, 10, 1_000_000, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1}) {
            ByteBuf out = Unpooled.buffer();
            RawJson.writeLong(out, v);
            assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
    }
}
