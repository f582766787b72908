package io.jgoim.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes captured from a running goim v2 (copied from shared/protocol-vectors), by name and transport; and, kept
 * apart so the captures stay goim's only, the vectors of jgoim's own extensions (ver 3 streams and positions, built
 * by hand from docs/protocol.md).
 */
final class GoldenVectors {
    record Vector(String name, String direction, String transport, byte[] bytes) {
    }

    private static final List<Vector> ALL = load("/goim-v2-captured.json");
    private static final List<Vector> JGOIM = load("/jgoim-v3-vectors.json");

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

    /** A jgoim extension vector (TCP bytes) by name. */
    static byte[] jgoim(String name) {
        for (Vector v : JGOIM) {
            if (v.name().equals(name)) {
                return v.bytes().clone();
            }
        }
        throw new IllegalArgumentException("no jgoim vector " + name);
    }

    static List<Vector> jgoimAll() {
        return JGOIM;
    }

    private static List<Vector> load(String resource) {
        try (InputStream in = GoldenVectors.class.getResourceAsStream(resource)) {
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
