package io.jgoim.loadtest;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measured part of opening a fleet: from the first session's scheduled start to the last auth reply, across every
 * process of a run (JVM start and {@code --warmup} sessions are outside it). Immutable; merged with
 * {@link #merge}. Absent (null) in results of older versions and of runs that opened no session.
 *
 * @param definition          what {@code perSecond} means, written into the JSON for its readers
 * @param firstStartEpochUs   the earliest scheduled start of a measured session (Unix time, microseconds)
 * @param lastAuthEpochUs     the latest auth reply of a measured session (Unix time, microseconds)
 * @param authenticated       sessions authenticated (op 8 received)
 * @param seconds             {@code lastAuth - firstStart}
 * @param perSecond           {@code authenticated / seconds}: the achieved connects+auths per second
 * @param toolCpuSeconds      CPU (user + system) the load tool's processes used during the window, summed over
 *                            processes (from each process's first start to its last auth reply)
 * @param toolCpuUsPerSession {@code toolCpuSeconds / authenticated} in microseconds
 * @param serverCpuSeconds    the server's CPU over the window (/proc, 10 ms ticks), -1 without a server pid
 * @param serverCpuUsPerSession {@code serverCpuSeconds / authenticated} in microseconds, -1 without a server pid
 * @param toolThreadsCpuSeconds the tool's CPU in the window by thread pool (event loops, JIT compiler, GC, ...),
 *                            summed over processes, largest first; empty where /proc is unavailable
 */
public record ConnectWindow(String definition, long firstStartEpochUs, long lastAuthEpochUs, long authenticated,
                            double seconds, double perSecond, double toolCpuSeconds, double toolCpuUsPerSession,
                            double serverCpuSeconds, double serverCpuUsPerSession,
                            Map<String, Double> toolThreadsCpuSeconds) {
    public static final String DEFINITION = "perSecond = sessions authenticated / (last auth reply - first scheduled "
            + "start of a measured session), over all processes; JVM start and warm-up sessions are outside the "
            + "window. toolCpu = CPU of the load tool's processes inside the window.";

    /** A window of one process. */
    public static ConnectWindow of(long firstStartEpochUs, long lastAuthEpochUs, long authenticated,
                                   double toolCpuSeconds, double serverCpuSeconds) {
        return of(firstStartEpochUs, lastAuthEpochUs, authenticated, toolCpuSeconds, serverCpuSeconds, Map.of());
    }

    /** A window of one process with its CPU by thread pool. */
    public static ConnectWindow of(long firstStartEpochUs, long lastAuthEpochUs, long authenticated,
                                   double toolCpuSeconds, double serverCpuSeconds, Map<String, Double> threads) {
        double seconds = Math.max(0, lastAuthEpochUs - firstStartEpochUs) / 1e6;
        return new ConnectWindow(DEFINITION, firstStartEpochUs, lastAuthEpochUs, authenticated, seconds,
                seconds > 0 ? round(authenticated / seconds) : 0, toolCpuSeconds, perUnit(toolCpuSeconds, authenticated),
                serverCpuSeconds, serverCpuSeconds < 0 ? -1 : perUnit(serverCpuSeconds, authenticated),
                threads == null ? Map.of() : threads);
    }

    /** This window with the server's CPU over it. */
    public ConnectWindow withServerCpu(double serverSeconds) {
        return of(firstStartEpochUs, lastAuthEpochUs, authenticated, toolCpuSeconds, serverSeconds,
                toolThreadsCpuSeconds);
    }

    /** The union of the processes' windows (null entries skipped); server CPU as the first window that has it. */
    public static ConnectWindow merge(List<ConnectWindow> parts) {
        ConnectWindow m = null;
        for (ConnectWindow w : parts) {
            if (w == null || w.authenticated() == 0 && w.firstStartEpochUs() == 0) {
                continue;
            }
            if (m == null) {
                m = w;
                continue;
            }
            double server = m.serverCpuSeconds() >= 0 ? m.serverCpuSeconds() : w.serverCpuSeconds();
            Map<String, Double> threads = new HashMap<>();
            for (ConnectWindow x : List.of(m, w)) {
                if (x.toolThreadsCpuSeconds() != null) {
                    x.toolThreadsCpuSeconds().forEach((k, v) -> threads.merge(k, v, Double::sum));
                }
            }
            Map<String, Double> sorted = new LinkedHashMap<>();
            threads.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), Math.round(e.getValue() * 100) / 100.0));
            m = of(Math.min(m.firstStartEpochUs(), w.firstStartEpochUs()),
                    Math.max(m.lastAuthEpochUs(), w.lastAuthEpochUs()), m.authenticated() + w.authenticated(),
                    m.toolCpuSeconds() + w.toolCpuSeconds(), server, sorted);
        }
        return m;
    }

    private static double perUnit(double seconds, long count) {
        return count > 0 ? Math.round(seconds / count * 1e7) / 10.0 : 0;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
