package io.jgoim.common.overload;

import java.lang.management.ManagementFactory;

/**
 * Where {@link CpuMonitor} reads the CPU load: a fraction in [0, 1] of the CPU available to this JVM (its container's
 * quota when it has one), or a negative value when unknown. Tests inject their own.
 */
@FunctionalInterface
public interface CpuSource {
    double load();

    /** The whole machine (or container): what decides whether this node can still do work. */
    static CpuSource system() {
        com.sun.management.OperatingSystemMXBean os = bean();
        return os == null ? () -> -1 : os::getCpuLoad;
    }

    /** This JVM only: for a node that shares its machine with load it should not react to. */
    static CpuSource process() {
        com.sun.management.OperatingSystemMXBean os = bean();
        return os == null ? () -> -1 : os::getProcessCpuLoad;
    }

    /** {@code system} or {@code process}. */
    static CpuSource named(String name) {
        return switch (name) {
            case "system" -> system();
            case "process" -> process();
            default -> throw new IllegalArgumentException("cpu source must be system or process, was " + name);
        };
    }

    private static com.sun.management.OperatingSystemMXBean bean() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b
                ? b : null;
    }
}
