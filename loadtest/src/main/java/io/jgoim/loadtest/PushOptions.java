package io.jgoim.loadtest;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An open-loop push driver against goim's HTTP push API: {@code rate} requests per second for {@code duration},
 * each body a {@link io.jgoim.loadtest.metrics.Payload} of {@code payloadSize} bytes. Immutable.
 *
 * @param httpBase    the logic node's base URL, e.g. {@code http://127.0.0.1:3111}
 * @param target      room, mids, keys or all
 * @param roomType    goim room type (the part before {@code ://}), for ROOM
 * @param roomId      goim room id, for ROOM
 * @param mids        member ids, for MIDS
 * @param keys        session keys, for KEYS
 * @param operation   the pushed op (&ge; 1000)
 * @param rate        requests per second
 * @param duration    how long to push
 * @param payloadSize body size in bytes (&ge; 24)
 * @param maxInFlight requests allowed in flight; a send due while this many are pending is not
 *                    sent and counted in {@code messages.notSent} (the tool's limit, not a server failure)
 * @param publisherId written into every payload
 * @param serverPid   the server's pid for /proc readings, 0 for none
 * @param connections pipelined HTTP connections, used round robin; only one keeps the pushes in sequence order
 * @param runAs       whose pushes: the tenant header and API key sent with each
 * @param depth       requests one connection may have pending: 0 = no bound (pipelined, round robin); n &gt; 0 =
 *                    a pool, as business services' HTTP clients keep one: a request goes on a connection with fewer
 *                    than n pending, and one due while every connection has n is not sent ({@code
 *                    messages.notSent}). With 1 nothing is pipelined, so a fast refusal is not held behind slow
 *                    acceptances on its connection (HTTP/1.1 answers in order).
 */
public record PushOptions(URI httpBase, PushTarget target, String roomType, String roomId, List<Long> mids,
                          List<String> keys, int operation, double rate, Duration duration, int payloadSize,
                          int maxInFlight, int publisherId, long serverPid, int connections, RunAs runAs,
                          int depth) {
    /** Pipelined connections without a bound per connection. */
    public PushOptions(URI httpBase, PushTarget target, String roomType, String roomId, List<Long> mids,
                       List<String> keys, int operation, double rate, Duration duration, int payloadSize,
                       int maxInFlight, int publisherId, long serverPid, int connections, RunAs runAs) {
        this(httpBase, target, roomType, roomId, mids, keys, operation, rate, duration, payloadSize, maxInFlight,
                publisherId, serverPid, connections, runAs, 0);
    }

    /** Pushes of the default tenant without an API key. */
    public PushOptions(URI httpBase, PushTarget target, String roomType, String roomId, List<Long> mids,
                       List<String> keys, int operation, double rate, Duration duration, int payloadSize,
                       int maxInFlight, int publisherId, long serverPid, int connections) {
        this(httpBase, target, roomType, roomId, mids, keys, operation, rate, duration, payloadSize, maxInFlight,
                publisherId, serverPid, connections, RunAs.DEFAULT);
    }

    /** These pushes as {@code who} (its tenant header and API key). */
    public PushOptions withRunAs(RunAs who) {
        return new PushOptions(httpBase, target, roomType, roomId, mids, keys, operation, rate, duration, payloadSize,
                maxInFlight, publisherId, serverPid, connections, who, depth);
    }

    public PushOptions {
        runAs = runAs == null ? RunAs.DEFAULT : runAs;
        Objects.requireNonNull(httpBase, "httpBase");
        Objects.requireNonNull(target, "target");
        mids = List.copyOf(mids);
        keys = List.copyOf(keys);
        Bounds.rate("push rate", rate);
        Bounds.positive("duration", duration);
        if (operation < 1000) {
            throw new IllegalArgumentException("operation must be a business op >= 1000: " + operation);
        }
        if (payloadSize < io.jgoim.loadtest.metrics.Payload.HEADER_SIZE || payloadSize > 1 << 20) {
            throw new IllegalArgumentException("payload size must be in 24..1048576: " + payloadSize);
        }
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException("connections must be in 1.." + MAX_CONNECTIONS + ": " + connections);
        }
        if (depth < 0 || depth > 100_000) {
            throw new IllegalArgumentException("depth must be in 0..100000: " + depth);
        }
        if (maxInFlight < 1 || maxInFlight > 100_000) {
            throw new IllegalArgumentException("max in flight must be in 1..100000: " + maxInFlight);
        }
        switch (target) {
            case ROOM -> {
                if (roomType == null || roomType.isEmpty() || roomId == null || roomId.isEmpty()) {
                    throw new IllegalArgumentException("a room push needs a room type and id");
                }
            }
            case MIDS -> {
                if (mids.isEmpty()) {
                    throw new IllegalArgumentException("a mids push needs at least one mid");
                }
            }
            case KEYS -> {
                if (keys.isEmpty()) {
                    throw new IllegalArgumentException("a keys push needs at least one key");
                }
            }
            case ALL -> {
            }
        }
    }

    /**
     * The most HTTP connections one run opens (logic's default {@code http.maxConnectionsPerIp} is 256 per address:
     * raise it for more, as push-api-overload does).
     */
    public static final int MAX_CONNECTIONS = 1024;

    /** A room push: {@code POST /goim/push/room?operation=&type=&room=}. */
    public static PushOptions room(URI httpBase, String roomType, String roomId, double rate, Duration duration) {
        return new PushOptions(httpBase, PushTarget.ROOM, roomType, roomId, List.of(), List.of(), 1000, rate,
                duration, 64, 1000, 1, 0, 1, RunAs.DEFAULT);
    }

    /** The goim room key this push reaches ({@code type://id}). */
    public String roomKey() {
        return roomType + "://" + roomId;
    }

    /** The request URI. */
    public URI uri() {
        String base = httpBase.toString().replaceAll("/+$", "");
        String q = switch (target) {
            case ROOM -> "/goim/push/room?operation=" + operation + "&type=" + enc(roomType) + "&room=" + enc(roomId);
            case MIDS -> "/goim/push/mids?operation=" + operation + "&mids="
                    + String.join(",", mids.stream().map(String::valueOf).toList());
            case KEYS -> "/goim/push/keys?operation=" + operation + "&keys=" + enc(String.join(",", keys));
            case ALL -> "/goim/push/all?operation=" + operation + "&speed=0";
        };
        return URI.create(base + q);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
