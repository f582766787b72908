package io.jgoim.client;

/** Names of the handlers in a client channel's pipeline. */
public final class PipelineNames {
    public static final String TLS = "tls";
    public static final String HTTP_CODEC = "httpCodec";
    public static final String HTTP_AGGREGATOR = "httpAggregator";
    public static final String WS_PROTOCOL = "wsProtocol";
    public static final String WS_AGGREGATOR = "wsAggregator";
    public static final String WS_CONTROL = "wsControl";
    public static final String WS_CODEC = "wsCodec";
    public static final String FRAME_DECODER = "frameDecoder";
    public static final String FRAME_ENCODER = "frameEncoder";
    public static final String CLIENT = "client";

    private PipelineNames() {
    }
}
