package io.jgoim.loadtest;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a scenario opens its sessions: where (comet TCP and WebSocket ports), how many and how fast, from which source
 * addresses, with which token (goim JSON: member id {@code midBase + index}, empty key, {@code room}). Immutable and
 * validated: every scenario is bounded.
 *
 * @param host            the comet's address
 * @param tcpPort         its TCP port (goim 3101)
 * @param wsPort          its WebSocket port (goim 3102)
 * @param transport       TCP, WebSocket or a mix
 * @param sessions        sessions to open (at most {@value #MAX_SESSIONS})
 * @param connectRate     new sessions per second (open loop)
 * @param sourceAddresses local addresses to spread sessions over (round robin), empty for the system's choice
 * @param heartbeat       the clients' heartbeat interval
 * @param room            the room every session joins with its token
 * @param midBase         member id of session 0
 * @param firstIndex      global index of this process's first session (multi-process runs)
 * @param threads         client event loop threads
 * @param connectTimeout  per-session connect and auth timeout
 * @param tls             wrap every session in TLS (the ports are then the TLS ports; certificates are not checked)
 * @param warmup          sessions opened and closed before the measured ones (JIT of client and server), 0 for none
 * @param positions       sessions ask for stream positions (auth ver 3, op-20 pushes, resume) as the SDK does
 * @param runAs           whose sessions: the default tenant's goim tokens, or a tenant's signed ones
 * @param maxPending      sessions connecting (not yet authenticated or failed) at most at once, 0 for no bound: the
 *                        rate then slows to what the server answers instead of timing sessions out (closed loop)
 */
public record SessionOptions(String host, int tcpPort, int wsPort, TransportMix transport, int sessions,
                             double connectRate, List<InetAddress> sourceAddresses, Duration heartbeat, String room,
                             long midBase, long firstIndex, int threads, Duration connectTimeout, boolean tls,
                             int warmup, boolean positions, RunAs runAs, int maxPending) {
    public static final int MAX_SESSIONS = 1_000_000;

    /** Sessions as {@code runAs}, paced by the rate alone (no bound on those connecting at once). */
    public SessionOptions(String host, int tcpPort, int wsPort, TransportMix transport, int sessions,
                          double connectRate, List<InetAddress> sourceAddresses, Duration heartbeat, String room,
                          long midBase, long firstIndex, int threads, Duration connectTimeout, boolean tls,
                          int warmup, boolean positions, RunAs runAs) {
        this(host, tcpPort, wsPort, transport, sessions, connectRate, sourceAddresses, heartbeat, room, midBase,
                firstIndex, threads, connectTimeout, tls, warmup, positions, runAs, 0);
    }

    /** Sessions of the default tenant with goim JSON tokens. */
    public SessionOptions(String host, int tcpPort, int wsPort, TransportMix transport, int sessions,
                          double connectRate, List<InetAddress> sourceAddresses, Duration heartbeat, String room,
                          long midBase, long firstIndex, int threads, Duration connectTimeout, boolean tls,
                          int warmup, boolean positions) {
        this(host, tcpPort, wsPort, transport, sessions, connectRate, sourceAddresses, heartbeat, room, midBase,
                firstIndex, threads, connectTimeout, tls, warmup, positions, RunAs.DEFAULT);
    }

    /** These sessions as {@code who} (a tenant's signed tokens). */
    public SessionOptions withRunAs(RunAs who) {
        return new SessionOptions(host, tcpPort, wsPort, transport, sessions, connectRate, sourceAddresses, heartbeat,
                room, midBase, firstIndex, threads, connectTimeout, tls, warmup, positions, who, maxPending);
    }

    public SessionOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(room, "room");
        runAs = runAs == null ? RunAs.DEFAULT : runAs;
        sourceAddresses = List.copyOf(sourceAddresses);
        if (sessions < 0 || sessions > MAX_SESSIONS) {
            throw new IllegalArgumentException("sessions must be in 0.." + MAX_SESSIONS + ": " + sessions);
        }
        if (!(connectRate > 0) || connectRate > 1_000_000) {
            throw new IllegalArgumentException("connect rate must be in (0, 1e6] per second: " + connectRate);
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be in 1..64: " + threads);
        }
        if (warmup < 0 || warmup > MAX_SESSIONS) {
            throw new IllegalArgumentException("warmup must be in 0.." + MAX_SESSIONS + ": " + warmup);
        }
        if (maxPending < 0) {
            throw new IllegalArgumentException("max pending must be >= 0: " + maxPending);
        }
        Bounds.positive("heartbeat", heartbeat);
        Bounds.positive("connect timeout", connectTimeout);
    }

    /** Local defaults: 127.0.0.1:3101/3102, TCP, 100 sessions at 1000/s, heartbeat 30 s, room live://1000. */
    public static SessionOptions defaults() {
        return new SessionOptions("127.0.0.1", 3101, 3102, TransportMix.TCP, 100, 1000, List.of(),
                Duration.ofSeconds(30), "live://1000", 1, 0, 2, Duration.ofSeconds(10), false, 0, false, RunAs.DEFAULT);
    }

    public SessionOptions withPorts(int tcp, int ws) {
        return new SessionOptions(host, tcp, ws, transport, sessions, connectRate, sourceAddresses, heartbeat, room,
                midBase, firstIndex, threads, connectTimeout, tls, warmup, positions, runAs, maxPending);
    }

    public SessionOptions withSessions(int count, double rate) {
        return new SessionOptions(host, tcpPort, wsPort, transport, count, rate, sourceAddresses, heartbeat, room,
                midBase, firstIndex, threads, connectTimeout, tls, warmup, positions, runAs, maxPending);
    }

    public SessionOptions withWarmup(int sessionsToWarmUp) {
        return new SessionOptions(host, tcpPort, wsPort, transport, sessions, connectRate, sourceAddresses, heartbeat,
                room, midBase, firstIndex, threads, connectTimeout, tls, sessionsToWarmUp, positions, runAs, maxPending);
    }

    public SessionOptions withPositions(boolean on) {
        return new SessionOptions(host, tcpPort, wsPort, transport, sessions, connectRate, sourceAddresses, heartbeat,
                room, midBase, firstIndex, threads, connectTimeout, tls, warmup, on, runAs, maxPending);
    }

    public SessionOptions withTls(boolean on) {
        return new SessionOptions(host, tcpPort, wsPort, transport, sessions, connectRate, sourceAddresses, heartbeat,
                room, midBase, firstIndex, threads, connectTimeout, on, warmup, positions, runAs, maxPending);
    }

    public SessionOptions withTransport(TransportMix mix) {
        return new SessionOptions(host, tcpPort, wsPort, mix, sessions, connectRate, sourceAddresses, heartbeat, room,
                midBase, firstIndex, threads, connectTimeout, tls, warmup, positions, runAs, maxPending);
    }

    public SessionOptions withRoom(String roomId) {
        return new SessionOptions(host, tcpPort, wsPort, transport, sessions, connectRate, sourceAddresses, heartbeat,
                roomId, midBase, firstIndex, threads, connectTimeout, tls, warmup, positions, runAs, maxPending);
    }

    /** At most {@code n} sessions connecting at once (0: no bound). */
    public SessionOptions withMaxPending(int n) {
        return new SessionOptions(host, tcpPort, wsPort, transport, sessions, connectRate, sourceAddresses, heartbeat,
                room, midBase, firstIndex, threads, connectTimeout, tls, warmup, positions, runAs, n);
    }

    public SessionOptions withSourceAddresses(List<InetAddress> addresses) {
        return new SessionOptions(host, tcpPort, wsPort, transport, sessions, connectRate, addresses, heartbeat, room,
                midBase, firstIndex, threads, connectTimeout, tls, warmup, positions, runAs, maxPending);
    }

    /** The share of worker {@code index} of {@code count}: a disjoint session range, rate and address subset. */
    public SessionOptions share(int index, int count) {
        int base = sessions / count;
        int extra = sessions % count;
        int mine = base + (index < extra ? 1 : 0);
        long first = firstIndex + (long) index * base + Math.min(index, extra);
        List<InetAddress> addrs = sourceAddresses;
        if (addrs.size() >= count) {
            addrs = java.util.stream.IntStream.range(0, addrs.size()).filter(i -> i % count == index)
                    .mapToObj(addrs::get).toList();
        }
        return new SessionOptions(host, tcpPort, wsPort, transport, mine, connectRate / count, addrs, heartbeat, room,
                midBase, first, threads, connectTimeout, tls, warmup / count, positions, runAs,
                maxPending == 0 ? 0 : Math.max(1, maxPending / count));
    }
}
