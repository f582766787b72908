// What an idle job lane costs with Agrona's duty-cycle idle strategies instead of the lane's park-until-woken
// (issue 17): one thread per strategy polls an empty inbox for N seconds; reports its CPU time (ThreadMXBean) and
// how often it woke. CPU time, not wall time, so the figure holds on a busy machine within a few percent.
//   java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
//        benchmarks/scenarios/IdleDutyCycle.java 5
// Arguments: seconds per strategy.
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

public class IdleDutyCycle {
    public static void main(String[] a) throws Exception {
        long seconds = Long.parseLong(a[0]);
        run("agrona BackoffIdleStrategy (defaults)", new BackoffIdleStrategy(), seconds);
        run("agrona SleepingMillisIdleStrategy(1)", new SleepingMillisIdleStrategy(1), seconds);
        run("lane park until woken, 50 ms cap", null, seconds);
    }

    static void run(String name, IdleStrategy idle, long seconds) throws Exception {
        MpscUnboundedAtomicArrayQueue<Object> inbox = new MpscUnboundedAtomicArrayQueue<>(1024);
        long[] wakes = new long[1];
        long[] cpu = new long[1];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread t = new Thread(() -> {
            long start = mx.getCurrentThreadCpuTime();
            while (System.nanoTime() - end < 0) {
                int work = inbox.poll() == null ? 0 : 1;
                if (idle != null) {
                    idle.idle(work);
                } else if (work == 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
                wakes[0]++;
            }
            cpu[0] = mx.getCurrentThreadCpuTime() - start;
        });
        t.start();
        t.join();
        System.out.printf("%-40s cpu %8.2f ms/s  wake-ups %,12d /s%n", name,
                cpu[0] / 1e6 / seconds, wakes[0] / seconds);
    }
}
