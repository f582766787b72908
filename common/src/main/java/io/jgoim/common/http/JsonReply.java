package io.jgoim.common.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jgoim.protocol.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

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

    private JsonReply() {
    }

    public static FullHttpResponse ok(Object data) {
        return json(ErrorCode.OK, "", data);
    }

    public static FullHttpResponse error(ErrorCode code, String message) {
        return json(code, message == null ? code.description() : message, null);
    }

    public static FullHttpResponse json(ErrorCode code, String message, Object data) {
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
}
