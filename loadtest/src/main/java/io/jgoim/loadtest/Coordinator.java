package io.jgoim.loadtest;

import java.time.Duration;

/**
 * How a scenario running as one worker of a multi-process run talks to its parent: it announces phases (all sessions
 * held, all subscribers in the room) and, where the parent drives the end, waits for its stop signal. The default
 * {@link #NONE} is a stand-alone run: phases are ignored and nobody sends a stop.
 */
public interface Coordinator {
    Coordinator NONE = new Coordinator() {
        @Override
        public void phase(String name) {
        }

        @Override
        public boolean isWorker() {
            return false;
        }

        @Override
        public void awaitStop(Duration max) {
        }

        @Override
        public void awaitGo(Duration max) {
        }
    };

    /** Announces that this process reached phase {@code name}. */
    void phase(String name);

    /** True when a parent process drives this run. */
    boolean isWorker();

    /** Blocks until the parent says stop, at most {@code max}. */
    void awaitStop(Duration max);

    /**
     * Blocks until the parent says go, at most {@code max}: workers that announced {@code READY} start their measured
     * sessions together, so the server sees the offered rate of all of them at once.
     */
    void awaitGo(Duration max);
}
