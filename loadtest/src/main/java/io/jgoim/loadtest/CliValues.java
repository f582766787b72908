package io.jgoim.loadtest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the CLI's durations ({@code 30s}, {@code 500ms}, {@code 2m}, {@code 1h}, ISO-8601) and address ranges. */
final class CliValues {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
    private static final int MAX_ADDRESSES = 1024;

    private CliValues() {
    }

    static Duration duration(String s) {
        String t = s.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            return Duration.parse(t);
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (try 500ms, 30s, 2m, 1h): " + s);
        }
        double v = Double.parseDouble(m.group(1));
        long nanos = switch (m.group(2)) {
            case "ms" -> (long) (v * 1e6);
            case "s" -> (long) (v * 1e9);
            case "m" -> (long) (v * 60e9);
            default -> (long) (v * 3600e9);
        };
        return Duration.ofNanos(nanos);
    }

    /** {@code 127.0.0.1-127.0.0.20}, a comma-separated list, or empty for none. IPv4 ranges only. */
    static List<InetAddress> addresses(String s) {
        List<InetAddress> out = new ArrayList<>();
        if (s == null || s.isBlank()) {
            return out;
        }
        try {
            for (String part : s.split(",")) {
                String p = part.trim();
                int dash = p.indexOf('-');
                if (dash < 0) {
                    out.add(InetAddress.getByName(p));
                    continue;
                }
                long from = ipv4(p.substring(0, dash).trim());
                long to = ipv4(p.substring(dash + 1).trim());
                if (to < from || to - from >= MAX_ADDRESSES) {
                    throw new IllegalArgumentException("address range must be ascending and at most "
                            + MAX_ADDRESSES + " long: " + p);
                }
                for (long a = from; a <= to; a++) {
                    out.add(InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16),
                        (byte) (a >>> 8), (byte) a}));
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address in " + s + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static long ipv4(String s) throws UnknownHostException {
        byte[] b = InetAddress.getByName(s).getAddress();
        if (b.length != 4) {
            throw new IllegalArgumentException("ranges are IPv4 only: " + s);
        }
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }
}
