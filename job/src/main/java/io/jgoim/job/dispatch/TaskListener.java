package io.jgoim.job.dispatch;

/**
 * Told once when a {@link PushTask} is finished: every comet it went to accepted it, or gave up after retries, or it
 * had no comet to go to. Called on a lane thread; implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface TaskListener {
    /** @param delivered false when at least one comet gave up on it or its targets could not be resolved */
    void onDone(PushTask task, boolean delivered);
}
