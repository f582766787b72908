package io.jgoim.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The bytes captured from a running goim v2 (copied from shared/protocol-vectors), by name and transport. */
final class GoldenVectors {
    record Vector(String name, String direction, String transport, byte[] bytes) {
    }

    private static final List<Vector> ALL = load();

    private GoldenVectors() {
    }

    static byte[] get(String name, String transport) {
        for (Vector v : ALL) {
            if (v.name().equals(name) && v.transport().startsWith(transport)) {
                return v.bytes().clone();
            }
        }
        throw new IllegalArgumentException("no vector " + name + " over " + transport);
    }

    static List<Vector> all() {
        return ALL;
    }

    private static List<Vector> load() {
        try (InputStream in = GoldenVectors.class.getResourceAsStream("/goim-v2-captured.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Vector> out = new ArrayList<>();
            for (JsonNode v : root.get("vectors")) {
                out.add(new Vector(v.get("name").asText(), v.get("direction").asText(), v.get("transport").asText(),
                        ByteBufUtil.decodeHexDump(v.get("hex").asText())));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
