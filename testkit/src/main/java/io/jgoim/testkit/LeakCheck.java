package io.jgoim.testkit;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * A JUnit extension that fails a test when Netty's leak detector reports a leaked buffer. It installs a detector
 * factory whose detectors record reports instead of only logging them, runs the detector at PARANOID, and after each
 * test forces a collection and a few allocations so that leaks of the test's buffers are noticed. Use with
 * {@code @ExtendWith(LeakCheck.class)}.
 */
public final class LeakCheck implements BeforeAllCallback, AfterEachCallback {
    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    /** Installs the recording detector factory (idempotent). Must run before the first buffer type is loaded. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported leaked buffers:\n" + leaks);
        }
    }

    /** Forces leak detection to run and returns the reports collected so far (and clears them). */
    public static String collect() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            RedisServer.sleep(20);
            // Leak reports are produced when the detector tracks a new object.
            ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(8);
            b.release();
            ByteBuf h = ByteBufAllocator.DEFAULT.heapBuffer(8);
            h.release();
        }
        synchronized (LEAKS) {
            String s = String.join("\n", LEAKS);
            LEAKS.clear();
            return s;
        }
    }

    /**
     * A detector that records reports. The build names it in {@code -Dio.netty.customResourceLeakDetector}, so
     * Netty uses it from the first buffer on, whatever class loads first.
     */
    public static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        @SuppressWarnings("deprecation")
        public RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval, Long.MAX_VALUE);
        }

        @SuppressWarnings("deprecation")
        public RecordingDetector(Class<T> resource, int samplingInterval, long maxActive) {
            super(resource, samplingInterval, maxActive);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            synchronized (LEAKS) {
                LEAKS.add(resourceType + " leak:" + records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            synchronized (LEAKS) {
                LEAKS.add(resourceType + " leak (untraced)");
            }
        }
    }
}
