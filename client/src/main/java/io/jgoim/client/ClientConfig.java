package io.jgoim.client;

import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.stream.StreamPosition;
import io.netty.handler.ssl.SslContext;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link JgoimClient} needs, validated on construction; built by {@link JgoimClientBuilder}. Immutable
 * (the token array is copied in and never exposed).
 *
 * @param host              the comet's host name or address
 * @param port              its TCP or WebSocket port
 * @param transport         TCP, WebSocket, or either over TLS
 * @param path              the WebSocket path (goim: {@code /sub})
 * @param sslContext        the client TLS context, required for TLS transports
 * @param token             the auth frame's body
 * @param heartbeatInterval time between heartbeats (goim clients choose it; goim's sample uses 30 s)
 * @param heartbeatMaxMissed heartbeats without a reply before the connection is considered dead
 * @param connectTimeout    TCP connect plus TLS and WebSocket handshakes
 * @param authTimeout       from sending op 7 to receiving op 8
 * @param requestTimeout    how long change-room, watch and upstream requests wait for their reply
 * @param reconnect         whether a lost connection is re-established by itself
 * @param backoffMin        the shortest wait before a reconnect
 * @param backoffMax        the longest wait before a reconnect
 * @param stablePeriod      a connection that lived this long resets the backoff to its first step
 * @param localAddress      the source address to bind (spreads load tests over 127.0.0.x), or null
 * @param extended          authenticate with ver 2 to receive jgoim extension frames (TCP goodbye, error replies)
 * @param maxFrameBytes     the largest WebSocket message accepted from the server
 * @param maxRequestBodyBytes the largest request body sent (goim's comet closes the session on a larger frame, so
 *                          the client refuses it instead; goim: 4096)
 * @param heartbeatFromServer use the interval the server advises in its auth reply (jgoim comets tell extended
 *                          clients; goim comets advise nothing, so {@code heartbeatInterval} is kept)
 * @param listener          receives pushes, state changes and closes
 * @param addresses         the bootstrap addresses ({@code host:port}) tried in turn; the first is {@code host} and
 *                          {@code port}
 * @param nodesUrl          logic's node list ({@code /goim/nodes/weighted}) whose addresses lead the rotation, or
 *                          null; plain TCP and WebSocket only (the list names no TLS ports)
 * @param positions         authenticate with ver 3 (requires {@code extended}): messages come with their stream and
 *                          position, duplicates are dropped, and a reconnect resumes from the last positions
 * @param tokenRefresher    supplies a new token shortly before the current one expires (requires {@code extended}),
 *                          or null: the session is then closed at exp (TOKEN_EXPIRED) unless refreshed by hand
 * @param ackInterval       with positions: the client acks its member stream (op 22, cumulative) at most this often,
 *                          when its position advanced, plus once right after a resume
 * @param resumeFrom        with positions: the positions to send at the first auth (an app that kept its key and its
 *                          last positions across a restart resumes where it was); empty for none
 * @param firstConnectTimeout how long the first connect keeps retrying retryable refusals and transport failures
 *                          (with {@code reconnect}); zero: each address once, at once
 */
public record ClientConfig(String host, int port, Transport transport, String path, SslContext sslContext,
                           byte[] token, Duration heartbeatInterval, int heartbeatMaxMissed, Duration connectTimeout,
                           Duration authTimeout, Duration requestTimeout, boolean reconnect, Duration backoffMin,
                           Duration backoffMax, Duration stablePeriod, InetAddress localAddress, boolean extended,
                           int maxFrameBytes, int maxRequestBodyBytes, boolean heartbeatFromServer,
                           ClientListener listener, List<String> addresses, URI nodesUrl, boolean positions,
                           TokenRefresher tokenRefresher, Duration ackInterval, List<StreamPosition> resumeFrom,
                           Duration firstConnectTimeout) {
    public ClientConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(listener, "listener");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (transport.isTls() && sslContext == null) {
            throw new IllegalArgumentException("transport " + transport + " needs an sslContext");
        }
        if (sslContext != null && !sslContext.isClient()) {
            throw new IllegalArgumentException("sslContext must be a client context");
        }
        path = path == null || path.isEmpty() ? "/sub" : path;
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        positive("heartbeatInterval", heartbeatInterval);
        positive("connectTimeout", connectTimeout);
        positive("authTimeout", authTimeout);
        positive("requestTimeout", requestTimeout);
        positive("backoffMin", backoffMin);
        positive("stablePeriod", stablePeriod);
        positive("ackInterval", ackInterval);
        if (firstConnectTimeout == null || firstConnectTimeout.isNegative()) {
            throw new IllegalArgumentException("firstConnectTimeout must be >= 0: " + firstConnectTimeout);
        }
        resumeFrom = resumeFrom == null ? List.of() : List.copyOf(resumeFrom);
        if (!resumeFrom.isEmpty() && !positions) {
            throw new IllegalArgumentException("resumeFrom needs positions(true)");
        }
        if (backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("backoffMax " + backoffMax + " < backoffMin " + backoffMin);
        }
        if (heartbeatMaxMissed < 1) {
            throw new IllegalArgumentException("heartbeatMaxMissed must be >= 1: " + heartbeatMaxMissed);
        }
        if (maxRequestBodyBytes < 1) {
            throw new IllegalArgumentException("maxRequestBodyBytes must be >= 1: " + maxRequestBodyBytes);
        }
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be >= 1024: " + maxFrameBytes);
        }
        token = token.clone();
        addresses = addresses == null || addresses.isEmpty() ? List.of(host + ":" + port) : List.copyOf(addresses);
        for (String a : addresses) {
            if (NodeLists.port(a) < 0 || NodeLists.host(a).isEmpty()) {
                throw new IllegalArgumentException("address must be host:port: " + a);
            }
        }
        if (!addresses.get(0).equals(host + ":" + port)) {
            throw new IllegalArgumentException("the first address must be host:port, was " + addresses.get(0));
        }
        if (positions && !extended) {
            throw new IllegalArgumentException("positions need the extended protocol: extended(true)");
        }
        if (tokenRefresher != null && !extended) {
            throw new IllegalArgumentException("a token refresher needs the extended protocol: extended(true)");
        }
        if (nodesUrl != null && transport.isTls()) {
            throw new IllegalArgumentException("nodesUrl lists plain TCP and WebSocket addresses, not " + transport);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0: " + d);
        }
    }

    /** A copy of the token bytes. */
    @Override
    public byte[] token() {
        return token.clone();
    }

    byte[] tokenUnsafe() {
        return token;
    }

    /** The ver field of every frame the client writes: 3 with positions, 2 for extended clients, goim's 1 otherwise. */
    int wireVersion() {
        if (positions) {
            return PacketLayout.VERSION_POSITIONS;
        }
        return extended ? PacketLayout.VERSION_EXTENDED : PacketLayout.VERSION;
    }
}
