package io.jgoim.client;

/**
 * What the connection measured of its attempts and sessions: the address tried and the node authenticated on, the
 * connect and auth times, the reconnects and why the last connection ended. Written on the client's event loop by
 * {@link Connection}; the volatile fields are read from any thread.
 */
final class ConnectionStats {
    private volatile CloseStatus lastClose;
    private volatile long connectNanos;
    private volatile long authNanos;
    private volatile int reconnects;
    private volatile String target;
    private volatile String node;

    // Confined to the event loop.
    private long attemptStartNanos;
    private long authSentNanos;
    private long authenticatedAtNanos;

    /** An attempt to {@code address} starts now. */
    void attemptStarted(String address) {
        target = address;
        attemptStartNanos = System.nanoTime();
    }

    /** The transport is ready and the auth frame goes out now. */
    void authSent() {
        long now = System.nanoTime();
        connectNanos = now - attemptStartNanos;
        authSentNanos = now;
    }

    /** The auth reply came now: the session is on the node of the current attempt. */
    void authenticated() {
        long now = System.nanoTime();
        authNanos = now - authSentNanos;
        authenticatedAtNanos = now;
        node = target;
    }

    void reconnected() {
        reconnects++;
    }

    void closed(CloseStatus status) {
        lastClose = status;
    }

    /** How long the session has been authenticated. */
    long sessionNanos() {
        return System.nanoTime() - authenticatedAtNanos;
    }

    CloseStatus lastClose() {
        return lastClose;
    }

    long connectNanos() {
        return connectNanos;
    }

    long authNanos() {
        return authNanos;
    }

    int reconnects() {
        return reconnects;
    }

    /** The address of the current or last connection attempt ({@code host:port}), or null before the first. */
    String target() {
        return target;
    }

    /** The address of the comet the client last authenticated on, or null before the first auth. */
    String node() {
        return node;
    }
}
