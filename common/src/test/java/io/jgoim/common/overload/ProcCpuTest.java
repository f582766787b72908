package io.jgoim.common.overload;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The procfs sources against this JVM's real /proc, with a real thread spinning in it. */
@EnabledOnOs(OS.LINUX)
class ProcCpuTest {
    private static final Path STAT = Path.of("/proc/stat");
    private static final Path SELF_STAT = Path.of("/proc/self/stat");
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    private final AtomicBoolean spinning = new AtomicBoolean();
    private Thread spinner;

    @AfterEach
    void stopSpinning() throws InterruptedException {
        spinning.set(false);
        if (spinner != null) {
            spinner.join();
        }
    }

    @Test
    void shouldSeeTheProcessBusyWhileAThreadSpins() {
        try (ProcProcessCpu cpu = ProcProcessCpu.open(SELF_STAT, CPUS, System::nanoTime)) {
            assertThat(cpu).isNotNull();
            spin();
            // One spinning thread is 1/CPUS of what the JVM may use; 0.05 leaves room for a machine shared with others.
            AtomicReference<Double> seen = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
                seen.set(cpu.load());
                return seen.get() > 0.05;
            });
            assertThat(seen.get()).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void shouldCountTicksInTheUnitTheJdkReadsThemIn() {
        spin();
        try (ProcProcessCpu cpu = ProcProcessCpu.open(SELF_STAT, CPUS, System::nanoTime)) {
            long before = cpu.ticks();
            // The JDK reads the same fields of the same file, in sysconf(_SC_CLK_TCK) units.
            long jdkNanos = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
            long after = cpu.ticks();
            long nanosPerTick = 1_000_000_000L / ProcProcessCpu.TICKS_PER_SECOND;
            assertThat(before).isPositive();
            assertThat(jdkNanos).isBetween(before * nanosPerTick, after * nanosPerTick);
        }
    }

    @Test
    void shouldReadTheMachineLoadAsAFractionThatSeesASpinningThread() {
        assertThat(ProcMachineCpu.machineCpus(STAT)).isPositive();
        try (ProcMachineCpu cpu = ProcMachineCpu.open(STAT, Integer.MAX_VALUE)) {
            assertThat(cpu).isNotNull();
            spin();
            AtomicReference<Double> seen = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
                seen.set(cpu.load());
                return seen.get() >= 0;
            });
            assertThat(seen.get()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void shouldLeaveTheMachineToTheMxBeanWhenTheJvmHasFewerCpusThanTheMachine() {
        int machine = ProcMachineCpu.machineCpus(STAT);
        assertThat(ProcMachineCpu.open(STAT, machine - 1)).isNull();
        try (CpuSource system = CpuSource.system()) {
            assertThat(system instanceof ProcMachineCpu).isEqualTo(CPUS >= machine);
        }
    }

    @Test
    void shouldReadThePinnedCpusOnlyWhenTheAffinityIsWhatTheJvmWasGiven(@TempDir Path dir) throws Exception {
        Path stat = dir.resolve("stat");
        Files.writeString(stat, "cpu  300 0 0 700\ncpu0 0 0 0 500\ncpu1 300 0 0 200\nintr 1\n");
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nCpus_allowed:\t2\nCpus_allowed_list:\t1\n");
        boolean[] allowed = ProcMachineCpu.allowedCpus(status);
        assertThat(allowed).containsExactly(false, true);
        try (ProcMachineCpu cpu = ProcMachineCpu.open(stat, 1, allowed)) {
            assertThat(cpu).isNotNull();
            // cpu1 goes from 300 busy of 500 to 400 of 600 (fully busy since), cpu0 stays idle: the pinned CPU's load
            Files.writeString(stat, "cpu  400 0 0 800\ncpu0 0 0 0 600\ncpu1 400 0 0 200\nintr 1\n");
            assertThat(cpu.load()).isEqualTo(1.0);
            assertThat(cpu.toString()).contains("1 pinned CPUs");
        }
        // a quota (one processor of two allowed CPUs) is not a pinning: the MXBean stays in charge
        assertThat(ProcMachineCpu.open(stat, 1, ProcMachineCpu.cpuList("0-1"))).isNull();
        assertThat(ProcMachineCpu.open(stat, 1, null)).isNull();
        assertThat(ProcMachineCpu.cpuList("0-3,6")).containsExactly(true, true, true, true, false, false, true);
        assertThat(ProcMachineCpu.cpuList("x")).isNull();
    }

    @Test
    void shouldReadProcfsOnLinux() {
        try (CpuSource process = CpuSource.process()) {
            assertThat(process).isInstanceOf(ProcProcessCpu.class);
        }
    }

    @Test
    void shouldOpenNothingWhereProcfsCannotServe(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("stat");
        assertThat(ProcMachineCpu.open(missing, CPUS)).isNull();
        assertThat(ProcProcessCpu.open(missing, CPUS, System::nanoTime)).isNull();
        Files.writeString(missing, "not a stat file\n");
        assertThat(ProcMachineCpu.open(missing, Integer.MAX_VALUE)).isNull();
        assertThat(ProcProcessCpu.open(missing, CPUS, System::nanoTime)).isNull();
    }

    private void spin() {
        spinning.set(true);
        spinner = new Thread(() -> {
            long x = 0;
            while (spinning.get()) {
                x += System.nanoTime() & 1;
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "proc-cpu-test-spinner");
        spinner.setDaemon(true);
        spinner.start();
    }
}
