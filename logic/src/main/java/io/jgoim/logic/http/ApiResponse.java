package io.jgoim.logic.http;

import io.jgoim.common.http.JsonReply;
import io.jgoim.protocol.ErrorCode;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * The API's one response shape, {@code {"code":0,"message":"","data":...}}, with a real HTTP status taken from
 * {@link ErrorCode#httpStatus()} (goim answered 200 for everything, which hides failures from proxies); the shape is
 * {@link JsonReply}'s, shared with the admin ports. Stateless.
 */
public final class ApiResponse {
    private ApiResponse() {
    }

    public static FullHttpResponse ok(Object data) {
        return JsonReply.ok(data);
    }

    public static FullHttpResponse error(ErrorCode code, String message) {
        return JsonReply.error(code, message);
    }

    static FullHttpResponse json(ErrorCode code, String message, Object data) {
        return JsonReply.json(code, message, data);
    }
}
