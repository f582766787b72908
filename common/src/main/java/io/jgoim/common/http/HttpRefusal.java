package io.jgoim.common.http;

import io.jgoim.protocol.ErrorCode;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why the listener itself, not the service's routes, refuses a request or a connection, with the HTTP status each
 * is answered with; {@link HttpService#refuse} words the answer. Immutable.
 */
public enum HttpRefusal {
    /** The request could not be read as HTTP: a bad request line, header or escape. */
    MALFORMED(HttpResponseStatus.BAD_REQUEST),
    /** Request line and headers, or the body, did not arrive within their timeout. */
    TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT),
    /** The request line (its target and query) is over the listener's limit. */
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG),
    /** The body is over the listener's limit (declared or received). */
    TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE),
    /** An {@code Expect} other than {@code 100-continue}. */
    EXPECTATION_FAILED(HttpResponseStatus.EXPECTATION_FAILED),
    /** A request line naming an HTTP version other than 1.0 and 1.1. */
    VERSION(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED),
    /** One client address already holds the listener's cap of connections. */
    TOO_MANY_CONNECTIONS(HttpResponseStatus.TOO_MANY_REQUESTS);

    private final HttpResponseStatus status;

    HttpRefusal(HttpResponseStatus status) {
        this.status = status;
    }

    /** The HTTP status this refusal is answered with. */
    public HttpResponseStatus status() {
        return status;
    }

    /** The error code of this refusal's JSON answer (docs/errors.md), the same on every jgoim HTTP listener. */
    public ErrorCode code() {
        return switch (this) {
            case MALFORMED -> ErrorCode.BAD_PARAMETER;
            case TIMEOUT -> ErrorCode.REQUEST_TIMEOUT;
            case URI_TOO_LONG -> ErrorCode.URI_TOO_LONG;
            case TOO_LARGE -> ErrorCode.PAYLOAD_TOO_LARGE;
            case EXPECTATION_FAILED -> ErrorCode.EXPECTATION_FAILED;
            case VERSION -> ErrorCode.HTTP_VERSION_NOT_SUPPORTED;
            case TOO_MANY_CONNECTIONS -> ErrorCode.RATE_LIMITED;
        };
    }
}
