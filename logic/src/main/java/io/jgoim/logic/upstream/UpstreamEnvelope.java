package io.jgoim.logic.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.jgoim.protocol.rpc.logic.ReceiveReq;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON an {@code http} route POSTs (docs/operations.md "Upstream to your backend"):
 * <pre>{"mid":123,"key":"…","room_id":"live://1000","op":1000,"seq":7,"server":"comet-1","body":{…}}</pre>
 * The client's body is embedded as JSON ({@code body}) when it is a UTF-8 JSON object or array, so a backend reads
 * it directly; any other body (text, binary, a bare JSON scalar) travels as {@code body_base64}. Exactly one of the
 * two is present. Stateless.
 */
final class UpstreamEnvelope {
    private static final JsonFactory JSON = new JsonFactory();

    private UpstreamEnvelope() {
    }

    static byte[] encode(ReceiveReq r) {
        byte[] body = r.getProto().getBody().toByteArray();
        try (ByteArrayBuilder out = new ByteArrayBuilder(128 + body.length * 4 / 3);
             JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("mid", r.getMid());
            g.writeStringField("key", r.getKey());
            g.writeStringField("room_id", r.getRoomId());
            g.writeNumberField("op", r.getProto().getOp());
            g.writeNumberField("seq", r.getProto().getSeq());
            g.writeStringField("server", r.getServer());
            if (isJsonContainer(body)) {
                g.writeFieldName("body");
                try (JsonParser p = JSON.createParser(body)) {
                    p.nextToken();
                    g.copyCurrentStructure(p);
                }
            } else {
                g.writeFieldName("body_base64");
                g.writeBinary(body);
            }
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when {@code body} is exactly one well-formed JSON object or array (UTF-8). */
    static boolean isJsonContainer(byte[] body) {
        int i = 0;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) {
            i++;
        }
        if (i == body.length || body[i] != '{' && body[i] != '[') {
            return false;
        }
        try (JsonParser p = JSON.createParser(body)) {
            p.nextToken();
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false; // not JSON, or not UTF-8: it goes as base64
        }
    }
}
