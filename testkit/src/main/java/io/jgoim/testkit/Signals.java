package io.jgoim.testkit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Signals to a child process, by {@code kill}: freeze one (SIGSTOP) as a hung host, a long pause or a stalled disk
 * would, and let it run on (SIGCONT). Java has no API for either.
 */
public final class Signals {
    private Signals() {
    }

    /** SIGSTOP: the process stops where it is; its sockets stay open and the kernel still takes bytes for them. */
    public static void freeze(Process process) {
        send(process, "-STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    public static void thaw(Process process) {
        send(process, "-CONT");
    }

    private static void send(Process process, String signal) {
        try {
            // bash's built-in kill: no procps package needed on the machine.
            Process kill = new ProcessBuilder("bash", "-c", "kill " + signal + " " + process.pid()).inheritIO()
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill " + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending " + signal, e);
        }
    }
}
