package io.jgoim.comet.limit;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One connection's client address and its place in the address table: the peer's address, or the one a trusted
 * load balancer reported (PROXY protocol, X-Forwarded-For). The session handler releases the place when the
 * connection ends; the handshake reports a failed handshake ({@link #strike}). One instance per connection, used on
 * its event loop only.
 */
public final class ClientIp {
    private final ConnectLimits limits;
    private InetSocketAddress address;
    private int slot = -1;

    public ClientIp(ConnectLimits limits, SocketAddress peer) {
        this.limits = limits;
        this.address = peer instanceof InetSocketAddress ? (InetSocketAddress) peer : null;
    }

    /** The client's address (null when the transport has none, as in tests). */
    public InetSocketAddress address() {
        return address;
    }

    /** A trusted proxy named the client: {@code address} replaces the peer's. */
    public void address(InetSocketAddress address) {
        this.address = address;
    }

    void slot(int slot) {
        this.slot = slot;
    }

    /** True when the address is counted in the table. */
    public boolean tracked() {
        return slot >= 0;
    }

    /**
     * Hands the address's place in the table to the caller, who releases it with {@link ConnectLimits#release}
     * when the connection ends (the session, which keeps an int, not this object); -1 when none is held.
     */
    public int handOver() {
        int s = slot;
        slot = -1;
        return s;
    }

    /** The connection ended: its address has one connection less. Idempotent. */
    public void release() {
        if (slot >= 0) {
            limits.release(slot);
            slot = -1;
        }
    }

    /** The handshake failed for {@code reason}: counts toward the address's ban. Call before {@link #release}. */
    public void strike(BanReason reason) {
        if (slot >= 0) {
            limits.strike(slot, reason, this);
        }
    }

    /** True while the address is banned (a ban that came after this connection was admitted). */
    public boolean banned() {
        return slot >= 0 && limits.banned(slot);
    }

    /** The address as text for logs and logic's session record. */
    public String hostText() {
        return address == null ? "?" : address.getAddress() == null ? address.getHostString()
                : address.getAddress().getHostAddress();
    }
}
