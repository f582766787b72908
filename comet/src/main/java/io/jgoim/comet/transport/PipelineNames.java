package io.jgoim.comet.transport;

/** Names of the handlers in a session pipeline, so code that edits a pipeline never uses bare strings. */
public final class PipelineNames {
    public static final String REFUSED = "refused";
    public static final String PROXY_DECODER = "proxyDecoder";
    public static final String PROXY = "proxy";
    public static final String WS_FORWARDED_FOR = "wsForwardedFor";
    public static final String TLS = "tls";
    public static final String FRAME = "frame";
    public static final String HTTP = "http";
    public static final String REFUSED_REQUEST = "refusedRequest";
    public static final String WS_UPGRADE_TAIL = "wsUpgradeTail";
    public static final String HTTP_AGGREGATOR = "httpAggregator";
    public static final String WS_REQUEST_CHECK = "wsRequestCheck";
    public static final String WS_ORIGIN = "wsOrigin";
    public static final String WS_PROTOCOL = "wsProtocol";
    public static final String WS_NOT_FOUND = "wsNotFound";
    public static final String WS_CODEC = "wsCodec";
    public static final String HANDSHAKE = "handshake";
    public static final String SESSION = "session";

    private PipelineNames() {
    }
}
