package io.jgoim.common.overload;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The JVM's one {@link CpuMonitor} per setting ({@code cpuSource}, {@code cpuDecay}, {@code cpuSample}): the nodes that
 * shed adaptively in one process — standalone's logic and comet, or the nodes a test starts — lease it instead of each
 * sampling the same CPU on a thread of its own. The CPU of a process is one figure, so one sampler is enough: the first
 * lease creates and starts the monitor, the last lease closed stops its thread and closes its source. Thread-safe (the
 * class lock guards the table; a lease's read is the monitor's volatile read).
 */
public final class SharedCpuMonitor {
    private static final Map<Key, Shared> MONITORS = new HashMap<>();

    private SharedCpuMonitor() {
    }

    /** A lease on the running monitor {@code config} describes, started now if none runs; close it when done. */
    public static Lease lease(OverloadConfig config) {
        Key key = new Key(config.cpuSource(), config.cpuDecay(), config.cpuSample().toNanos());
        synchronized (MONITORS) {
            Shared shared = MONITORS.get(key);
            if (shared == null) {
                shared = new Shared(config.cpuMonitor().start(config.cpuSample()));
                MONITORS.put(key, shared);
            }
            shared.leases++;
            return new Lease(key, shared.monitor);
        }
    }

    /** Monitors running in this JVM (tests: two nodes with the same setting share one). */
    static int running() {
        synchronized (MONITORS) {
            return MONITORS.size();
        }
    }

    private static void release(Key key) {
        CpuMonitor stopped = null;
        synchronized (MONITORS) {
            Shared shared = MONITORS.get(key);
            if (shared != null && --shared.leases == 0) {
                MONITORS.remove(key);
                stopped = shared.monitor;
            }
        }
        if (stopped != null) {
            stopped.close();
        }
    }

    /** One holder's use of a shared monitor: reads its smoothed load (per mille); {@link #close} is idempotent. */
    public static final class Lease implements IntSupplier, AutoCloseable {
        private final Key key;
        private final CpuMonitor monitor;
        private boolean closed;

        private Lease(Key key, CpuMonitor monitor) {
            this.key = key;
            this.monitor = monitor;
        }

        @Override
        public int getAsInt() {
            return monitor.getAsInt();
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(key);
        }
    }

    private record Key(String source, double decay, long sampleNanos) {
    }

    private static final class Shared {
        private final CpuMonitor monitor;
        private int leases;

        private Shared(CpuMonitor monitor) {
            this.monitor = monitor;
        }
    }
}
