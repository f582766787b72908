package io.jgoim.loadtest;

import io.jgoim.client.ClientTransports;
import io.jgoim.loadtest.metrics.ProcessStats;
import io.netty.channel.EventLoopGroup;
import io.jgoim.loadtest.metrics.RunMetrics;

import java.time.Duration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code connect} scenario: how many sessions a comet holds, how fast it admits them, and what they cost it.
 * Opens sessions at a fixed rate (TCP, WebSocket or a mix, spread over source addresses), authenticates them with
 * goim tokens, holds them while they heartbeat, then closes them.
 *
 * <p>Counts: {@code sessions.attempted}, {@code sessions.connected} (authenticated), {@code sessions.held} (still open
 * at the end of the hold), {@code sessions.dropped} (closed by the server during the run). Histograms: {@code ready}
 * (open loop: from the session's scheduled start to its auth reply, queueing included), {@code connect} (TCP + TLS +
 * WebSocket handshake), {@code auth} (op 7 to op 8) and {@code lag} (from the session's scheduled start to the
 * moment the tool began its connect: past a millisecond or so the tool could not keep the offered rate), in
 * microseconds. Failures by reason. With a pid,
 * the server's RSS before and while holding, CPU, and bytes per session. With {@link ConnectOptions#retry} on, a
 * session refused with a code of the reconnect class tries again ({@link SessionFleet#retryRefused}: counts
 * {@code sessions.attempts}, {@code refused <code> <name>}, {@code admitted.attempt.<k>}). Thread-safe to run several
 * at once.
 */
public final class ConnectScenario {
    public static final String NAME = "connect";

    private ConnectScenario() {
    }

    /** Runs stand-alone. */
    public static ScenarioResult run(ConnectOptions options) {
        return run(options, Coordinator.NONE);
    }

    /** Runs as a worker of a multi-process run (or stand-alone with {@link Coordinator#NONE}). */
    public static ScenarioResult run(ConnectOptions options, Coordinator coordinator) {
        EventLoopGroup loops = ClientTransports.newEventLoopGroup(options.sessions().threads());
        try {
            return run(options, coordinator, loops);
        } finally {
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }

    private static ScenarioResult run(ConnectOptions options, Coordinator coordinator, EventLoopGroup loops) {
        FleetWarmUp.warmUp(options.sessions(), loops);
        RunMetrics metrics = new RunMetrics(List.of("ready", "connect", "auth", "lag"), List.of("sessions.connected"),
                options.serverPid(), options.serverHeap());
        long held;
        ConnectWindow window;
        try (SessionFleet fleet = new SessionFleet(options.sessions(), metrics, loops)
                .retryRefused(options.retry())) {
            // workers start their measured sessions together, once every one of them is warm
            coordinator.phase("READY");
            coordinator.awaitGo(Duration.ofMinutes(5));
            ProcessStats serverBefore = options.serverPid() > 0 ? ProcessStats.tryRead(options.serverPid()) : null;
            fleet.open(null);
            ProcessStats serverAfter = serverBefore != null ? ProcessStats.tryRead(options.serverPid()) : null;
            window = fleet.window();
            if (window != null && serverAfter != null) {
                window = window.withServerCpu((serverAfter.cpuTicks() - serverBefore.cpuTicks())
                        / (double) ProcessStats.TICKS_PER_SECOND);
            }
            coordinator.phase("HOLDING");
            long holdNanos = options.hold().toNanos();
            long settle = Math.min(TimeUnit.SECONDS.toNanos(1), holdNanos / 2);
            sleepNanos(settle);
            metrics.markServerHeld();
            sleepNanos(holdNanos - settle);
            held = fleet.open();
        }
        Map<String, Long> extra = new LinkedHashMap<>();
        extra.put("sessions.held", held);
        return metrics.result(NAME, parameters(options), extra, window);
    }

    static Map<String, Object> parameters(ConnectOptions o) {
        Map<String, Object> p = sessionParameters(o.sessions());
        p.put("hold", o.hold().toString());
        p.put("retryRefused", o.retry().enabled());
        if (o.retry().enabled()) {
            p.put("retryFor", o.retry().window().toString());
        }
        return p;
    }

    /** Where the load ran: the JVM, the OS and the number of CPUs (for reading any number next to it). */
    static Map<String, Object> environment() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("env.java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        p.put("env.os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        p.put("env.cpus", Runtime.getRuntime().availableProcessors());
        return p;
    }

    static Map<String, Object> sessionParameters(SessionOptions s) {
        Map<String, Object> p = environment();
        p.put("host", s.host());
        p.put("tcpPort", s.tcpPort());
        p.put("wsPort", s.wsPort());
        p.put("transport", s.transport().name());
        p.put("sessions", s.sessions());
        p.put("connectRate", s.connectRate());
        p.put("sourceAddresses", s.sourceAddresses().size());
        p.put("heartbeat", s.heartbeat().toString());
        p.put("room", s.room());
        p.put("threads", s.threads());
        p.put("tls", s.tls());
        p.put("warmup", s.warmup());
        return p;
    }

    static void sleepNanos(long nanos) {
        long end = System.nanoTime() + nanos;
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
