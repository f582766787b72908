package io.jgoim.benchmarks;

import io.jgoim.comet.ring.PushRing;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;
import org.jctools.queues.atomic.unpadded.MpscAtomicUnpaddedArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Whether a lock-free MPSC queue should replace the session's monitor-guarded {@link PushRing} (issue 17). Two
 * figures per candidate, all with the ring's default capacity of 16: {@code new*} allocates one ring, so its B/op
 * with {@code -prof gc} is the ring's bytes per session (load-independent; run it under the shipped GC, ZGC, for the
 * production figure); {@code *OfferPoll} is one push through it as {@code Session} does (offer, then poll), the
 * {@link PushRing} under a monitor per call as in {@code Session}. Candidates: JCTools' atomic MPSC array queue,
 * padded and unpadded, and Agrona's {@link ManyToOneConcurrentArrayQueue} (which needs
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}, given to the fork here).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RingChoiceBenchmark {
    static final int CAPACITY = 16;

    private final Object element = new Object();
    private PushRing pushRing;
    private MpscAtomicUnpaddedArrayQueue<Object> jctoolsUnpadded;
    private MpscAtomicArrayQueue<Object> jctoolsPadded;
    private ManyToOneConcurrentArrayQueue<Object> agrona;

    @Setup(Level.Trial)
    public void setUp() {
        pushRing = new PushRing(CAPACITY);
        jctoolsUnpadded = new MpscAtomicUnpaddedArrayQueue<>(CAPACITY);
        jctoolsPadded = new MpscAtomicArrayQueue<>(CAPACITY);
        agrona = new ManyToOneConcurrentArrayQueue<>(CAPACITY);
    }

    @Benchmark
    public Object newPushRing() {
        return new PushRing(CAPACITY);
    }

    @Benchmark
    public Object newJctoolsUnpadded() {
        return new MpscAtomicUnpaddedArrayQueue<>(CAPACITY);
    }

    @Benchmark
    public Object newJctoolsPadded() {
        return new MpscAtomicArrayQueue<>(CAPACITY);
    }

    @Benchmark
    public Object newAgrona() {
        return new ManyToOneConcurrentArrayQueue<>(CAPACITY);
    }

    /** As {@code Session.offer} and {@code Session.pollRing}: each call under the session's monitor. */
    @Benchmark
    public Object pushRingOfferPoll() {
        synchronized (this) {
            pushRing.offer(element);
        }
        synchronized (this) {
            return pushRing.poll();
        }
    }

    @Benchmark
    public Object jctoolsUnpaddedOfferPoll() {
        jctoolsUnpadded.offer(element);
        return jctoolsUnpadded.poll();
    }

    @Benchmark
    public Object jctoolsPaddedOfferPoll() {
        jctoolsPadded.offer(element);
        return jctoolsPadded.poll();
    }

    @Benchmark
    public Object agronaOfferPoll() {
        agrona.offer(element);
        return agrona.poll();
    }
}
