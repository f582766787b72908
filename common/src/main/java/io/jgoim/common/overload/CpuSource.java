package io.jgoim.common.overload;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Where {@link CpuMonitor} reads the CPU load: a fraction in [0, 1] of the CPU available to this JVM (its container's
 * quota when it has one), or a negative value when unknown (the monitor skips it). On Linux the sources read procfs
 * ({@link ProcMachineCpu}, {@link ProcProcessCpu}: one {@code pread} and no garbage per sample); elsewhere, or where
 * procfs cannot serve, the {@code OperatingSystemMXBean} (which reads the container's metric files on every call:
 * 1.4–1.7 ms of CPU and ~100 KB of garbage per sample on a container-aware JVM, BENCHMARKS.md). A source may
 * hold a file open: {@link #close} releases it. Tests inject their own.
 */
@FunctionalInterface
public interface CpuSource extends AutoCloseable {
    double load();

    /** Releases what the source holds open (a procfs file); it reads nothing afterwards. */
    @Override
    default void close() {
    }

    /**
     * The whole machine (or container), or the CPUs this JVM is pinned to: what decides whether this node can still
     * do work.
     */
    static CpuSource system() {
        CpuSource proc = ProcMachineCpu.open(Path.of("/proc/stat"), Runtime.getRuntime().availableProcessors(),
                ProcMachineCpu.allowedCpus(Path.of("/proc/self/status")));
        return proc != null ? proc : systemBean();
    }

    /** This JVM only: for a node that shares its machine with load it should not react to. */
    static CpuSource process() {
        CpuSource proc = ProcProcessCpu.open(Path.of("/proc/self/stat"), Runtime.getRuntime().availableProcessors(),
                System::nanoTime);
        return proc != null ? proc : processBean();
    }

    /** {@code system} or {@code process}. */
    static CpuSource named(String name) {
        return switch (name) {
            case "system" -> system();
            case "process" -> process();
            default -> throw new IllegalArgumentException("cpu source must be system or process, was " + name);
        };
    }

    /** The machine's load as the {@code OperatingSystemMXBean} reports it (the fallback of {@link #system}). */
    static CpuSource systemBean() {
        com.sun.management.OperatingSystemMXBean os = bean();
        return os == null ? () -> -1 : os::getCpuLoad;
    }

    /** This JVM's load as the {@code OperatingSystemMXBean} reports it (the fallback of {@link #process}). */
    static CpuSource processBean() {
        com.sun.management.OperatingSystemMXBean os = bean();
        return os == null ? () -> -1 : os::getProcessCpuLoad;
    }

    private static com.sun.management.OperatingSystemMXBean bean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b
                ? b : null;
    }
}
