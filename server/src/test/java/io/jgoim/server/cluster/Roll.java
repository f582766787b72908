package io.jgoim.server.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * The rolling restart both rolling ITs put their clients through, one step at a time on a {@link Cluster} of three
 * comets and two jobs: restart the first comet (SIGTERM: drain, then start again on its ports), add a fourth comet,
 * restart the second and third comets, restart each job, then kill (in-JVM SIGKILL) the comet holding the most
 * sessions. After each step it waits until every client is connected again, then lets traffic flow for 1.5 s.
 */
final class Roll {
    /** What the roll did: each step with its duration, and the comet it killed. */
    record Result(List<String> steps, CometNode killed, int killedSessions, long killedAtNanos) {
    }

    private final Cluster cluster;
    private final LongSupplier notConnected;
    private final Supplier<String> describe;
    private final List<String> steps = new ArrayList<>();

    /**
     * @param notConnected how many of the test's clients are not connected now
     * @param describe     what the clients not connected are doing, for a failure message
     */
    Roll(Cluster cluster, LongSupplier notConnected, Supplier<String> describe) {
        this.cluster = cluster;
        this.notConnected = notConnected;
        this.describe = describe;
    }

    /** Runs every step; throws when the clients do not all reconnect within 60 s of a step. */
    Result run() throws InterruptedException {
        List<CometNode> initial = cluster.comets();
        step("restart " + initial.get(0).id(), () -> cluster.restartComet(initial.get(0).id()));
        step("add comet", cluster::addComet);
        step("restart " + initial.get(1).id(), () -> cluster.restartComet(initial.get(1).id()));
        step("restart " + initial.get(2).id(), () -> cluster.restartComet(initial.get(2).id()));
        for (JobNode j : cluster.jobs()) {
            step("restart " + j.id(), () -> cluster.restartJob(j.id()));
        }
        CometNode busiest = cluster.comets().stream()
                .max(Comparator.comparingInt(c -> c.server().sessionCount())).orElseThrow();
        int sessions = busiest.server().sessionCount();
        long killedAt = System.nanoTime();
        step("kill " + busiest.id() + " (" + sessions + " sessions)", () -> cluster.killComet(busiest.id()));
        return new Result(List.copyOf(steps), busiest, sessions, killedAt);
    }

    /** Runs one step, then waits until every client is connected again and a little traffic passed. */
    private void step(String name, Runnable action) throws InterruptedException {
        long start = System.nanoTime();
        action.run();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> notConnected.getAsLong() == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("after " + name + ": not connected: " + describe.get(), e);
        }
        steps.add(name + " " + (System.nanoTime() - start) / 1_000_000 + " ms");
        Thread.sleep(1_500);
    }
}
