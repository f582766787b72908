package io.jgoim.common.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jgoim.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON reply shape of jgoim's HTTP APIs (logic's push API, the admin routes of every node):
 * {@code {"code":0,"message":"","data":...}} with a real HTTP status from {@link ErrorCode#httpStatus()}. Stateless.
 */
public final class JsonReply {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final AsciiString JSON_UTF8 =
            AsciiString.cached(HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8");

    /** The body of an OK reply up to its data; a push answers with it thousands of times a second. */
    private static final byte[] OK_PREFIX = "{\"code\":0,\"message\":\"\",\"data\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private JsonReply() {
    }

    public static FullHttpResponse ok(Object data) {
        return json(ErrorCode.OK, "", data);
    }

    public static FullHttpResponse error(ErrorCode code, String message) {
        return json(code, message == null ? code.description() : message, null);
    }

    public static FullHttpResponse json(ErrorCode code, String message, Object data) {
        if (code == ErrorCode.OK && "".equals(message) && (data == null || data instanceof RawJson)) {
            return okRaw((RawJson) data);
        }
        Map<String, Object> body = new LinkedHashMap<>(4);
        body.put("code", code.code());
        body.put("message", message);
        body.put("data", data);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return json(ErrorCode.INTERNAL, "cannot encode response: " + e.getOriginalMessage(), null);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(code.httpStatus()), Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON_UTF8);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }

    /**
     * An OK reply whose data is null or writes its own JSON: the same bytes as the Jackson path, written into one
     * heap buffer with no map or serializer per reply (heap and unpooled like the Jackson path's, so a reply built
     * and never written costs nothing but garbage).
     */
    private static FullHttpResponse okRaw(RawJson data) {
        ByteBuf body = Unpooled.buffer(OK_PREFIX.length + 32);
        body.writeBytes(OK_PREFIX);
        if (data == null) {
            body.writeBytes(NULL);
        } else {
            data.writeJson(body);
        }
        body.writeByte('}');
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON_UTF8);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }
}
