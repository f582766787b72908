package io.jgoim.comet.index;

import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.metrics.CometMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.collections.Object2ObjectHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Bytes per session of one comet bucket's key index (issue 17): each benchmark fills a table pre-sized for
 * {@value #SESSIONS} sessions, so B/op with {@code -prof gc} (per session, {@code @OperationsPerInvocation}) is the
 * table's own cost per entry: the comet's {@link SessionTable} (one reference per slot, at most 3/4 full), the
 * {@link ConcurrentHashMap} it replaced (a node per entry besides the slot), and Agrona's open-addressing
 * {@link Object2ObjectHashMap} (key and value slots; not thread-safe, so it would also need a lock or copy-on-write
 * for the lock-free reads the push path does). Run it under the shipped GC, ZGC, for the production figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BucketMapBenchmark {
    static final int SESSIONS = 2048;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private Session[] sessions;

    @Setup(Level.Trial)
    public void setUp() {
        sessions = new Session[SESSIONS];
        for (int i = 0; i < SESSIONS; i++) {
            sessions[i] = new Session(channel, SessionTransport.TCP, i, "key-" + i + "-" + Integer.toHexString(i * 31),
                    false, 0, 16, CometMetrics.noop(), code -> { });
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    @OperationsPerInvocation(SESSIONS)
    public Object sessionTable() {
        SessionTable t = new SessionTable(SESSIONS);
        for (Session s : sessions) {
            t.put(s);
        }
        return t;
    }

    @Benchmark
    @OperationsPerInvocation(SESSIONS)
    public Object concurrentHashMap() {
        ConcurrentHashMap<String, Session> m = new ConcurrentHashMap<>(SESSIONS);
        for (Session s : sessions) {
            m.put(s.key(), s);
        }
        return m;
    }

    @Benchmark
    @OperationsPerInvocation(SESSIONS)
    public Object agronaObject2ObjectHashMap() {
        Object2ObjectHashMap<String, Session> m = new Object2ObjectHashMap<>(SESSIONS, 0.75f);
        for (Session s : sessions) {
            m.put(s.key(), s);
        }
        return m;
    }
}
