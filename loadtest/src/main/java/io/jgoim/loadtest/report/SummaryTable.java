package io.jgoim.loadtest.report;

import io.jgoim.loadtest.ConnectWindow;
import io.jgoim.loadtest.LatencySummary;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.ServerStats;

import java.io.PrintStream;
import java.util.Map;

/** Prints a result as fixed-width tables: counts, failures by reason, latency percentiles (ms), server cost. */
public final class SummaryTable {
    private SummaryTable() {
    }

    public static void print(ScenarioResult r, PrintStream out) {
        out.printf("%n== jgoim loadtest: %s  (%s, %.1f s, %d process%s)%n", r.scenario(), r.startedAt(),
                r.durationSeconds(), r.processes(), r.processes() == 1 ? "" : "es");
        out.println(line(60));
        for (Map.Entry<String, Long> e : r.counts().entrySet()) {
            out.printf("%-40s %19d%n", e.getKey(), e.getValue());
        }
        out.println(line(60));
        if (r.failures().isEmpty()) {
            out.println("failures                                                   0");
        } else {
            out.printf("%-40s %19d%n", "failures", r.failureTotal());
            for (Map.Entry<String, Long> e : r.failures().entrySet()) {
                out.printf("  %-50s %7d%n", abbreviate(e.getKey(), 50), e.getValue());
            }
        }
        out.println(line(60));
        out.printf("%-8s %9s %8s %8s %8s %8s %8s %8s%n", "latency", "count", "p50 ms", "p90 ms", "p99 ms",
                "p99.9 ms", "max ms", "mean ms");
        for (Map.Entry<String, LatencySummary> e : r.latencies().entrySet()) {
            LatencySummary s = e.getValue();
            out.printf("%-8s %9d %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f%n", e.getKey(), s.count(), ms(s.p50()),
                    ms(s.p90()), ms(s.p99()), ms(s.p999()), ms(s.max()), s.mean() / 1000.0);
        }
        ConnectWindow w = r.window();
        if (w != null) {
            out.println(line(60));
            out.printf("connects+auths/s %.0f (%d authenticated in %.3f s from first start to last auth)%n",
                    w.perSecond(), w.authenticated(), w.seconds());
            out.printf("load tool CPU in that window %.2f s: %.1f us per session%s%n", w.toolCpuSeconds(),
                    w.toolCpuUsPerSession(), w.serverCpuSeconds() >= 0
                            ? String.format("; server %.2f s: %.1f us per session", w.serverCpuSeconds(),
                            w.serverCpuUsPerSession()) : "");
            if (w.toolThreadsCpuSeconds() != null && !w.toolThreadsCpuSeconds().isEmpty()) {
                StringBuilder sb = new StringBuilder("load tool CPU by thread (s):");
                w.toolThreadsCpuSeconds().entrySet().stream().limit(6)
                        .forEach(e -> sb.append(String.format(" %s %.2f;", e.getKey(), e.getValue())));
                out.println(sb);
            }
        }
        ServerStats srv = r.server();
        if (srv.pid() > 0) {
            out.println(line(60));
            out.printf("server pid %d: RSS before %.1f MiB, held %.1f MiB, peak %.1f MiB%n", srv.pid(),
                    srv.rssBeforeKb() / 1024.0, srv.rssHeldKb() / 1024.0, srv.rssPeakKb() / 1024.0);
            out.printf("server CPU %.1f s (%.0f%% of one core)%s%n", srv.cpuSeconds(), srv.cpuPercent(),
                    srv.bytesPerSession() >= 0 ? "; RSS per session " + srv.bytesPerSession() + " bytes" : "");
            if (srv.heapHeldKb() >= 0) {
                out.printf("server live heap before %.1f MiB, holding %.1f MiB: %d bytes per session%n",
                        srv.heapBeforeKb() / 1024.0, srv.heapHeldKb() / 1024.0, srv.heapBytesPerSession());
            }
        }
        out.println(line(60));
    }

    static double ms(long micros) {
        return micros / 1000.0;
    }

    private static String line(int n) {
        return "-".repeat(n);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }
}
