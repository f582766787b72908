package io.jgoim.comet.frame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a draining comet's extended clients should go next: the hint part of the {@link ReplyFrames#disconnect}
 * body, {@code {"nodes":["host:port",...]}}, pre-encoded once per drain for each client transport (TCP, WebSocket,
 * secure WebSocket). Each transport keeps a few orderings of its addresses and every goodbye picks one at random, so
 * the clients of one comet spread over the other comets instead of all trying the same one first. Immutable and
 * thread-safe; built by the comet's drain, read by the goodbye of each closing session (no per-session state).
 */
public final class NodeHints {
    /** No hints: the goodbye carries the close code and reason alone, as before hints existed. */
    public static final NodeHints NONE = new NodeHints(new byte[0][], new byte[0][], new byte[0][]);

    private final byte[][] tcp;
    private final byte[][] ws;
    private final byte[][] wss;

    private NodeHints(byte[][] tcp, byte[][] ws, byte[][] wss) {
        this.tcp = tcp;
        this.ws = ws;
        this.wss = wss;
    }

    /**
     * Hints from orderings of addresses per transport; an empty list of orderings, or orderings that are all empty,
     * means no hints for that transport.
     */
    public static NodeHints of(List<List<String>> tcp, List<List<String>> ws, List<List<String>> wss) {
        return new NodeHints(encode(tcp), encode(ws), encode(wss));
    }

    /**
     * The encoded JSON hint for one goodbye on {@code transport} ({@code tls}: a secure WebSocket), a random one of
     * the orderings, or null when there is none. The array is shared: never modify it.
     */
    public byte[] pick(SessionTransport transport, boolean tls) {
        byte[][] variants = transport == SessionTransport.TCP ? tcp : tls ? wss : ws;
        if (variants.length == 0) {
            return null;
        }
        return variants[variants.length == 1 ? 0 : ThreadLocalRandom.current().nextInt(variants.length)];
    }

    /** True when no transport has a hint. */
    public boolean isEmpty() {
        return tcp.length == 0 && ws.length == 0 && wss.length == 0;
    }

    private static byte[][] encode(List<List<String>> orderings) {
        return orderings.stream().filter(o -> !o.isEmpty()).map(NodeHints::json).toArray(byte[][]::new);
    }

    /** {@code {"nodes":["a","b"]}}: addresses are host:port, so nothing in them needs escaping but a quote. */
    static byte[] json(List<String> addresses) {
        StringBuilder sb = new StringBuilder("{\"nodes\":[");
        for (int i = 0; i < addresses.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(addresses.get(i).replace("\"", "").replace("\\", "")).append('"');
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
