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
    /**
     * Configured once and only read after (its {@code build} reads the settings into each new decoder), so one
     * serves every request of every thread: no builder per request on the push API's path.
     */
    private static final QueryStringDecoder.Builder BUILDER = QueryStringDecoder.builder().semicolonIsNormalChar(true);

    private QueryDecoding() {
    }

    /** The decoder of request target {@code uri} (path and query; percent-escapes decoded as UTF-8). */
    public static QueryStringDecoder of(String uri) {
        return BUILDER.build(uri);
    }
}
