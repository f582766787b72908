package io.jgoim.loadtest;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load tool turns Netty's leak detector off for its own runs (its sampled stack traces are CPU taken from the
 * server it measures), but never where the level was asked for: the suites run it at paranoid to find leaks.
 */
class LeakDetectorLevelTest {
    private static final String PROPERTY = "io.netty.leakDetection.level";

    @Test
    void shouldTurnTheDetectorOffOnlyWhenNoLevelWasAskedFor() {
        ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        String property = System.getProperty(PROPERTY);
        try {
            System.setProperty(PROPERTY, "paranoid");
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            LoadtestMain.quietLeakDetector();
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);

            System.clearProperty(PROPERTY);
            LoadtestMain.quietLeakDetector();
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
        } finally {
            if (property == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, property);
            }
            ResourceLeakDetector.setLevel(before);
        }
    }
}
