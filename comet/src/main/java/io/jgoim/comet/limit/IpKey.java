package io.jgoim.comet.limit;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The key of a client address in the {@link IpTable}: two longs. An IPv4 address is kept whole (as its IPv4-mapped
 * IPv6 form); an IPv6 address by its /64 prefix, the block one host (one phone, one home) is given, so an attacker
 * cannot step around the per-address limits by spraying addresses of its own /64. Allocation-free for IPv4
 * ({@link Inet4Address#hashCode()} is the address), one 16-byte copy for IPv6. Stateless.
 */
public final class IpKey {
    /** The low word of every IPv6 key: a /64 keeps only the high word, and (0, 0) marks an empty slot. */
    static final long V6_LOW = 1;
    private static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

    private IpKey() {
    }

    /** The high word of {@code a}'s key. */
    public static long hi(InetAddress a) {
        if (a instanceof Inet4Address) {
            return 0;
        }
        byte[] b = a.getAddress();
        if (isV4Mapped(b)) {
            return 0;
        }
        long hi = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[i] & 0xff);
        }
        return hi;
    }

    /** The low word of {@code a}'s key. */
    public static long lo(InetAddress a) {
        if (a instanceof Inet4Address) {
            return v4(a.hashCode());
        }
        byte[] b = a.getAddress();
        if (isV4Mapped(b)) {
            return v4((b[12] & 0xff) << 24 | (b[13] & 0xff) << 16 | (b[14] & 0xff) << 8 | (b[15] & 0xff));
        }
        return V6_LOW;
    }

    /** The low word of the IPv4 address {@code ip}. */
    public static long v4(int ip) {
        return V4_MAPPED | (ip & 0xFFFF_FFFFL);
    }

    /** The key as text: "a.b.c.d" for IPv4, "prefix::/64" for IPv6 (listing only, allocates). */
    public static String format(long hi, long lo) {
        if (hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED) {
            int ip = (int) lo;
            return (ip >>> 24) + "." + (ip >>> 16 & 0xff) + "." + (ip >>> 8 & 0xff) + "." + (ip & 0xff);
        }
        StringBuilder sb = new StringBuilder(24);
        for (int i = 3; i >= 0; i--) {
            sb.append(Long.toHexString(hi >>> (i * 16) & 0xffff));
            sb.append(':');
        }
        return sb.append(":/64").toString();
    }

    /** True for an address of the form ::ffff:a.b.c.d. */
    static boolean isV4Mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** Whether {@code a} is IPv6 (not IPv4-mapped): listed and lifted by its /64. */
    static boolean isV6(InetAddress a) {
        return a instanceof Inet6Address && !isV4Mapped(a.getAddress());
    }
}
