package io.jgoim.logic.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoutedReplyTest {
    @Test
    void shouldWriteWhatJacksonWritesForTheRoutedCount() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (int n : new int[]{0, 1, 42, 15_000, Integer.MAX_VALUE, -1}) {
            ByteBuf out = Unpooled.buffer();
            new PushRoutes.Routed(n).writeJson(out);
            String raw = out.toString(StandardCharsets.US_ASCII);
            assertThat(raw).isEqualTo(json.writeValueAsString(new PushRoutes.Routed(n)))
                    .isEqualTo(json.writeValueAsString(Map.of("routed", n)));
        }
    }
}
