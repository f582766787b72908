package io.jgoim.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A host of its own on this machine, for faults that only a network shows: a Linux network namespace joined to the
 * test's by a veth pair, at an address of its own, where the test starts child processes (a redis-server, say) with
 * {@link #command}. {@link #blackhole()} makes the path drop every packet both ways without telling either end — no
 * RST, no ICMP, no failed ARP (the neighbour entries are static) — as a host that lost power, a dead switch port or a
 * firewall that drops would; {@link #heal()} lets packets through again. Neither a process signal (the kernel still
 * acknowledges a frozen process's bytes) nor a proxy in user space (it acknowledges them itself) shows what the
 * kernel's TCP does then: retransmit with a growing back-off, for many minutes unless told otherwise.
 *
 * <p>Needs {@code ip} (iproute2) and CAP_NET_ADMIN (root); {@link #available()} says whether this machine has both.
 * Each host takes its own /30 in 10.231.0.0/16, chosen at random. {@link #close()} deletes the namespace (its
 * processes must be stopped first) and the veth pair with it; {@code jgoim-*} namespaces left behind by a killed test
 * JVM are harmless and removed by the next start that finds their owner dead.
 */
public final class IsolatedHost implements AutoCloseable {
    private static final String PREFIX = "jgoim-";

    private final String name;
    private final String hostSide;
    private final String innerSide;
    private final String testAddress;
    private final String address;
    private boolean holed;

    private IsolatedHost(String name, String hostSide, String innerSide, String testAddress, String address) {
        this.name = name;
        this.hostSide = hostSide;
        this.innerSide = innerSide;
        this.testAddress = testAddress;
        this.address = address;
    }

    private static Boolean available;

    /**
     * True when this process can make an isolated host here (iproute2, and the right to create network namespaces
     * and veth pairs: root with CAP_NET_ADMIN): found out once, by making one and deleting it.
     */
    public static synchronized boolean available() {
        if (available == null) {
            try {
                create().close();
                available = true;
            } catch (RuntimeException e) {
                available = false;
            }
        }
        return available;
    }

    /** Creates the namespace, the veth pair, both addresses and static neighbour entries, and brings them up. */
    public static IsolatedHost create() {
        removeOrphans();
        int net = ThreadLocalRandom.current().nextInt(1 << 14);
        String subnet = "10.231." + (net >> 6) + "." + ((net & 63) << 2);
        String base = subnet.substring(0, subnet.lastIndexOf('.') + 1);
        int last = Integer.parseInt(subnet.substring(subnet.lastIndexOf('.') + 1));
        long pid = ProcessHandle.current().pid();
        String tag = Long.toString(pid, 36) + Integer.toString(net, 36);
        IsolatedHost h = new IsolatedHost(PREFIX + pid + "-" + net, "jgh" + tag, "jgn" + tag,
                base + (last + 1), base + (last + 2));
        try {
            h.setUp();
            return h;
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    private void setUp() {
        must("ip", "netns", "add", name);
        must("ip", "link", "add", hostSide, "type", "veth", "peer", "name", innerSide, "netns", name);
        must("ip", "addr", "add", testAddress + "/30", "dev", hostSide);
        must("ip", "link", "set", hostSide, "up");
        must(inside("ip", "addr", "add", address + "/30", "dev", innerSide));
        must(inside("ip", "link", "set", innerSide, "up"));
        must(inside("ip", "link", "set", "lo", "up"));
        // Static neighbours: while the path is cut, ARP must not fail either (a failed neighbour reports "host
        // unreachable" to the sockets, which a silent drop never does).
        must("ip", "neigh", "replace", address, "lladdr", mac(innerSide, true), "dev", hostSide, "nud", "permanent");
        must(inside("ip", "neigh", "replace", testAddress, "lladdr", mac(hostSide, false), "dev", innerSide, "nud",
                "permanent"));
    }

    /** This host's address, reachable from the test while the path is whole. */
    public String address() {
        return address;
    }

    /** The test's own address on the link (what this host sees connections come from). */
    public String testAddress() {
        return testAddress;
    }

    /** A command line that runs {@code argv} on this host (for a {@link ProcessBuilder}). */
    public List<String> command(String... argv) {
        return inside(argv);
    }

    /** Every packet between the test and this host is dropped silently, both ways, until {@link #heal()}. */
    public synchronized void blackhole() {
        // A veth whose peer is down drops what is sent to it: each side's link down drops the other's packets.
        must(inside("ip", "link", "set", innerSide, "down"));
        holed = true;
    }

    /** Packets pass again; the connections that lived through the cut carry on where TCP's retransmissions are. */
    public synchronized void heal() {
        must(inside("ip", "link", "set", innerSide, "up"));
        holed = false;
    }

    public synchronized boolean isBlackholed() {
        return holed;
    }

    /** Deletes the namespace and the veth pair (stop the processes started in it first). */
    @Override
    public void close() {
        run(false, "ip", "netns", "del", name);
        run(false, "ip", "link", "del", hostSide);
    }

    private List<String> inside(String... argv) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(List.of(argv));
        return c;
    }

    private String mac(String dev, boolean inner) {
        List<String> c = inner ? inside("cat", "/sys/class/net/" + dev + "/address")
                : List.of("cat", "/sys/class/net/" + dev + "/address");
        return output(c).trim();
    }

    /** Namespaces of test JVMs that no longer run. */
    private static void removeOrphans() {
        for (String line : output(List.of("ip", "netns", "list")).split("\n")) {
            String ns = line.split(" ")[0];
            if (!ns.startsWith(PREFIX)) {
                continue;
            }
            String[] parts = ns.substring(PREFIX.length()).split("-");
            try {
                long owner = Long.parseLong(parts[0]);
                if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                run(false, "ip", "netns", "del", ns);
            } catch (NumberFormatException notOurs) {
                // another naming: leave it
            }
        }
    }

    private static void must(String... argv) {
        must(List.of(argv));
    }

    private static void must(List<String> argv) {
        if (run(true, argv.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("failed: " + String.join(" ", argv));
        }
    }

    private static String output(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("failed: " + String.join(" ", argv) + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + argv.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
        }
    }

    private static int run(boolean loud, String... argv) {
        try {
            ProcessBuilder b = new ProcessBuilder(argv).redirectErrorStream(true);
            if (loud) {
                b.redirectOutput(ProcessBuilder.Redirect.INHERIT);
            } else {
                b.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            Process p = b.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
