package io.jgoim.benchmarks;

import io.jgoim.comet.limit.AcceptRate;
import io.jgoim.comet.limit.Gcra;
import io.jgoim.comet.limit.IpKey;
import io.jgoim.comet.limit.IpTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * The comet's limiter decisions (io.jgoim.comet.limit), the work added to every accept and to every upstream message
 * and heartbeat: the node's accept bucket (one CAS), a per-address admit + release in the address table (key from an
 * {@link InetAddress}, one segment lock) over 4,096 addresses (all in the table) and over a spray of 1,000,000
 * (evicting as it goes), and the per-session GCRA step. Run with {@code -prof gc}: every decision is meant to be
 * 0 B/op. Two threads contend on the shared structures, as two event loops do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"-Dio.netty.leakDetection.level=disabled"})
@Threads(2)
public class ConnectLimitsBenchmark {
    private static final int KNOWN = 4096;
    private static final int SPRAY = 1_000_000;

    private AcceptRate acceptRate;
    private IpTable table;
    private InetAddress[] known;

    /** Per-thread cursor over the addresses (no shared counter to contend on besides the structures measured). */
    @State(Scope.Thread)
    public static class Cursor {
        int i;
        long session = System.nanoTime();
    }

    @Setup
    public void setup() throws Exception {
        // Limits high enough that decisions admit: the cost of admitting is what every good connect pays.
        acceptRate = new AcceptRate(1_000_000_000, 1_000_000_000, System::nanoTime);
        table = new IpTable(65536, 1_000_000, 1_000_000_000, 1_000_000_000, 120, TimeUnit.MINUTES.toNanos(5));
        known = new InetAddress[KNOWN];
        for (int i = 0; i < KNOWN; i++) {
            known[i] = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
        }
    }

    @Benchmark
    public boolean acceptBucket() {
        return acceptRate.tryAcquire();
    }

    @Benchmark
    public int admitAndReleaseKnownAddress(Cursor c) {
        InetAddress a = known[c.i++ & (KNOWN - 1)];
        int slot = table.admit(IpKey.hi(a), IpKey.lo(a), System.nanoTime());
        if (slot >= 0) {
            table.release(slot);
        }
        return slot;
    }

    @Benchmark
    public int admitAndReleaseSprayedAddress(Cursor c) {
        int i = c.i++ % SPRAY;
        int slot = table.admit(0, IpKey.v4(0x0B000000 + i), System.nanoTime());
        if (slot >= 0) {
            table.release(slot);
        }
        return slot;
    }

    @Benchmark
    public long sessionGcraStep(Cursor c) {
        long now = System.nanoTime();
        long next = Gcra.next(c.session, now, 20_000_000L, 80_000_000L);
        if (next != Gcra.REFUSED) {
            c.session = next;
        }
        return next;
    }
}
