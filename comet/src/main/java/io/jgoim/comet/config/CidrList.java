package io.jgoim.comet.config;

import io.jgoim.common.config.ConfigException;
import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of address blocks ({@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code fd00::/8}) and the test whether an
 * address lies in one of them. IPv4 addresses match IPv4 blocks and IPv4-mapped IPv6 addresses match them too.
 * Immutable, thread-safe; parsing never resolves names.
 */
public final class CidrList {
    private static final CidrList EMPTY = new CidrList(List.of());

    private record Block(byte[] prefix, int bits) {
        boolean matches(byte[] a) {
            if (a.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (prefix[full] & mask);
        }
    }

    private final List<Block> blocks;

    private CidrList(List<Block> blocks) {
        this.blocks = blocks;
    }

    public static CidrList empty() {
        return EMPTY;
    }

    /** Parses {@code entries}; a malformed one fails naming {@code key}. */
    public static CidrList parse(List<String> entries, String key) {
        List<Block> blocks = new ArrayList<>(entries.size());
        for (String e : entries) {
            String s = e.trim();
            int slash = s.indexOf('/');
            byte[] addr = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? s : s.substring(0, slash));
            if (addr == null) {
                throw new ConfigException(key + ": '" + e + "' is not an IP address or CIDR block");
            }
            int bits = addr.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException x) {
                    bits = -1;
                }
                if (bits < 0 || bits > addr.length * 8) {
                    throw new ConfigException(key + ": '" + e + "' has a bad prefix length");
                }
            }
            blocks.add(new Block(addr, bits));
        }
        return blocks.isEmpty() ? EMPTY : new CidrList(List.copyOf(blocks));
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** True when {@code address} lies in one of the blocks (false for null or an empty list). */
    public boolean contains(InetAddress address) {
        if (address == null || blocks.isEmpty()) {
            return false;
        }
        byte[] a = address.getAddress();
        if (a.length == 16 && isV4Mapped(a)) {
            byte[] v4 = {a[12], a[13], a[14], a[15]};
            return containsBytes(v4) || containsBytes(a);
        }
        return containsBytes(a);
    }

    private boolean containsBytes(byte[] a) {
        for (Block b : blocks) {
            if (b.matches(a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }
}
