package io.jgoim.common.http;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * How every HTTP listener of the nodes reads a request target: Netty's {@link QueryStringDecoder} with {@code ;} as
 * an ordinary character. By default Netty splits parameters at {@code ;} as at {@code &} (the old HTML 4
 * recommendation), so {@code room=1000;x} pushed to room {@code 1000} and {@code mids=1;2} to member 1 alone,
 * answered OK; goim's Go server (Go 1.17+) drops such a pair instead of reading it as two. Here {@code ;} belongs to
 * the value, as in RFC 3986's query and the WHATWG URL standard: {@code room=1000;x} names room {@code 1000;x}.
 * Stateless.
 */
public final class QueryDecoding {
    private QueryDecoding() {
    }

    /** The decoder of request target {@code uri} (path and query; percent-escapes decoded as UTF-8). */
    public static QueryStringDecoder of(String uri) {
        return QueryStringDecoder.builder().semicolonIsNormalChar(true).build(uri);
    }
}
