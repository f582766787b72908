package io.jgoim.loadtest.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JVM server's live heap through {@code jcmd}: {@code GC.run} (a full collection, so only live objects are
 * left) then {@code GC.heap_info}, summing the "used" figures of the heap lines (G1, Parallel, ZGC, Serial). Heap per
 * session is the headline memory figure a long-connection server is judged by; RSS also moves with the collector's
 * sizing. Forces two full GCs in the server per run: opt-in. Stateless.
 */
public final class ServerHeap {
    private static final Pattern USED = Pattern.compile("used (\\d+)([KMG])");

    private ServerHeap() {
    }

    /** Live heap of {@code pid} in KiB after a full GC, or -1 when jcmd is unavailable or fails. */
    public static long liveHeapKb(long pid) {
        try {
            run("jcmd", Long.toString(pid), "GC.run");
            return parseUsedKb(run("jcmd", Long.toString(pid), "GC.heap_info"));
        } catch (IOException | RuntimeException e) {
            System.err.println("loadtest: cannot read the server heap with jcmd: " + e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Sums the "used NNN[KMG]" figures of the heap lines, which come before the Metaspace line. */
    static long parseUsedKb(String heapInfo) {
        long kb = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            if (line.trim().startsWith("Metaspace")) {
                break;
            }
            Matcher m = USED.matcher(line);
            if (m.find()) {
                long v = Long.parseLong(m.group(1));
                kb += switch (m.group(2)) {
                    case "G" -> v * 1024 * 1024;
                    case "M" -> v * 1024;
                    default -> v;
                };
                found = true;
            }
        }
        if (!found) {
            throw new IllegalArgumentException("no heap figures in jcmd output: " + heapInfo);
        }
        return kb;
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
