package io.jgoim.comet.limit;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The comet's banned client addresses, for operators (the admin API serves {@code GET /admin/bans} from
 * {@link #list()} and {@code DELETE /admin/bans/{ip}} from {@link #lift(String)}). An address is banned for
 * {@code limits.banTime} when its failed handshakes (auth refused by logic, connections ended before auth) pass
 * {@code limits.authFailuresPerIp} a minute; while banned every connect from it is refused at accept with
 * BANNED (4018), before any token is verified. IPv6 addresses are banned, listed and lifted by their /64. Bans live
 * in this comet's memory only: each comet bans on what it sees, and a restart forgets them. Thread-safe.
 */
public final class IpBans {
    private final IpTable table;
    private final LongSupplier clock;

    IpBans(IpTable table, LongSupplier nanoClock) {
        this.table = table;
        this.clock = nanoClock;
    }

    /** The addresses banned now, in no particular order (empty when bans are off). Scans the address table. */
    public List<Ban> list() {
        return table == null ? List.of() : table.bans(clock.getAsLong(), System.currentTimeMillis());
    }

    /** How many addresses are banned now. */
    public int count() {
        return table == null ? 0 : table.bannedCount(clock.getAsLong());
    }

    /**
     * Lifts the ban of {@code ip} (an IPv4 or IPv6 literal; an IPv6 one lifts its /64) and forgets its failures.
     *
     * @return true when it was banned, false when it was not (or bans are off)
     * @throws IllegalArgumentException when {@code ip} is not an IP literal (never resolved as a name)
     */
    public boolean lift(String ip) {
        InetAddress a = literal(ip);
        if (table == null) {
            return false;
        }
        return table.lift(IpKey.hi(a), IpKey.lo(a), clock.getAsLong());
    }

    /** Open connections counted for {@code ip} now (0 when untracked or per-address limits are off). */
    public int connections(String ip) {
        InetAddress a = literal(ip);
        return table == null ? 0 : table.connections(IpKey.hi(a), IpKey.lo(a));
    }

    /** Failed handshakes counted for {@code ip} while it has been in the address table. */
    public int failures(String ip) {
        InetAddress a = literal(ip);
        return table == null ? 0 : table.failures(IpKey.hi(a), IpKey.lo(a));
    }

    private static InetAddress literal(String ip) {
        byte[] bytes = ip == null ? null : NetUtil.createByteArrayFromIpAddressString(ip.trim());
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address: " + ip);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + ip, e);
        }
    }
}
