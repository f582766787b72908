package io.jgoim.comet.session;

import io.netty.channel.Channel;

import java.util.concurrent.RejectedExecutionException;

/** Brings the answer of a call to logic back to the session's event loop. Any thread. */
final class OnLoop {
    private OnLoop() {
    }

    /** Runs {@code task} on {@code ch}'s event loop: at once when already on it; dropped when the loop is stopping. */
    static void run(Channel ch, Runnable task) {
        if (ch.eventLoop().inEventLoop()) {
            task.run();
        } else {
            try {
                ch.eventLoop().execute(task);
            } catch (RejectedExecutionException e) {
                // the comet is shutting down; the channel goes with its event loop
            }
        }
    }
}
