package io.jgoim.loadtest.metrics;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU ticks of every thread of this process from /proc/self/task (Java threads, JIT compiler and GC threads alike),
 * so a window's CPU can be split by thread pool: which part of the load tool's CPU is its event loops and which is
 * its JIT or GC. Empty where /proc is unavailable. Stateless.
 */
public final class ThreadCpu {
    private ThreadCpu() {
    }

    /** Ticks (user + system, {@link ProcessStats#TICKS_PER_SECOND}) by thread id, with each thread's name. */
    public static Map<Long, Map.Entry<String, Long>> snapshot() {
        Map<Long, Map.Entry<String, Long>> out = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    String[] f = stat.substring(close + 2).trim().split("\\s+");
                    out.put(Long.parseLong(t.getFileName().toString()),
                            Map.entry(name, Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /**
     * CPU seconds per thread pool (digits in names folded into {@code #}) between two snapshots, largest first;
     * threads born inside the window count from zero.
     */
    public static Map<String, Double> secondsByPool(Map<Long, Map.Entry<String, Long>> before,
                                                    Map<Long, Map.Entry<String, Long>> after) {
        Map<String, Long> ticks = new HashMap<>();
        after.forEach((tid, e) -> {
            Map.Entry<String, Long> b = before.get(tid);
            long d = e.getValue() - (b == null ? 0 : b.getValue());
            if (d > 0) {
                ticks.merge(e.getKey().replaceAll("\\d+", "#"), d, Long::sum);
            }
        });
        Map<String, Double> out = new LinkedHashMap<>();
        ticks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue() / (double) ProcessStats.TICKS_PER_SECOND));
        return out;
    }
}
