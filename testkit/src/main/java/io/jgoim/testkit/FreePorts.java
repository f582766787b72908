package io.jgoim.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports a test may bind later, or bind again after a restart (a server restarted on the same port, a Redis stopped and
 * started again).
 *
 * <p>Why not {@code new ServerSocket(0)}: the kernel hands that out of the ephemeral range, the same range it draws
 * every outgoing connection's source port from. Between the probe closing and the server binding, or while a server
 * is down for a restart, any client socket in the JVM (hundreds in a storm test) may take the port as its source, and
 * the bind fails with "Address already in use" (CI saw it: StandaloneResumeIT, port 40407). These ports come from
 * below the ephemeral range instead, so no outgoing connection can ever take them; each is probed bindable on the
 * wildcard address, and none is handed out twice by one JVM. Test JVMs that run at once start at random offsets.
 */
public final class FreePorts {
    private static final int FLOOR = 10_000;
    private static final Range RANGE = range();
    private static final AtomicInteger NEXT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(RANGE.size()));

    private FreePorts() {
    }

    /** A port outside the ephemeral range, bindable on every address now and not handed out before by this JVM. */
    public static int next() {
        for (int tries = 0; tries < RANGE.size(); tries++) {
            int port = RANGE.low + Math.floorMod(NEXT.getAndIncrement(), RANGE.size());
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no bindable port in " + RANGE.low + ".." + RANGE.high);
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The ports below the kernel's ephemeral range ({@code ip_local_port_range}), from {@value FLOOR} up. */
    private static Range range() {
        int ephemeralLow = 32_768;
        Path p = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(p)) {
            // a reader, not Files.readString: that trusts the size procfs reports and returns one byte
            try (BufferedReader r = Files.newBufferedReader(p)) {
                ephemeralLow = Integer.parseInt(r.readLine().trim().split("\\s+")[0]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (ephemeralLow - FLOOR < 1_000) {
            throw new IllegalStateException("the ephemeral range starts at " + ephemeralLow
                    + ": too few ports below it for tests; raise net.ipv4.ip_local_port_range's low end");
        }
        return new Range(FLOOR, ephemeralLow - 1);
    }

    private record Range(int low, int high) {
        int size() {
            return high - low + 1;
        }
    }
}
