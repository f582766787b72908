package io.jgoim.loadtest;

import io.jgoim.loadtest.metrics.ProcessStats;
import io.jgoim.loadtest.metrics.RunMetrics;
import io.jgoim.loadtest.worker.WorkerProcesses;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parent's part of a multi-process run: starts the workers (each with its share of sessions), measures the
 * server itself, publishes (room-broadcast), and merges the workers' results with its own.
 */
final class MultiProcess {
    /** Time allowed for child JVMs to start, on top of the scenario's own bounds. */
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private MultiProcess() {
    }

    private static Duration connectWindow(SessionOptions s) {
        return Duration.ofMillis((long) (s.sessions() / s.connectRate() * 1000))
                .plus(s.connectTimeout().multipliedBy(2))
                .plus(STARTUP);
    }

    static ScenarioResult connect(ConnectOptions options, CliOptions.Run run, List<String> args) throws Exception {
        RunMetrics parent = new RunMetrics(List.of(), List.of(), options.serverPid(), options.serverHeap());
        List<ScenarioResult> parts = new ArrayList<>();
        double windowServerCpu = -1;
        try (WorkerProcesses w = LoadtestMain.startWorkers(run, args, ConnectScenario.NAME)) {
            Duration window = connectWindow(options.sessions());
            Duration warm = connectWindow(options.sessions().withSessions(options.sessions().warmup(),
                    options.sessions().connectRate()));
            if (!w.awaitPhase("READY", warm)) {
                parent.fail("workers: not all warm within " + warm);
            }
            ProcessStats before = options.serverPid() > 0 ? ProcessStats.tryRead(options.serverPid()) : null;
            w.go();
            if (w.awaitPhase("HOLDING", window)) {
                ProcessStats after = before != null ? ProcessStats.tryRead(options.serverPid()) : null;
                if (after != null) {
                    // the server's CPU from GO until every worker had its last auth reply (a few ms late at most)
                    windowServerCpu = (after.cpuTicks() - before.cpuTicks()) / (double) ProcessStats.TICKS_PER_SECOND;
                }
                ConnectScenario.sleepNanos(Math.min(1_000_000_000L, options.hold().toNanos() / 2));
                parent.markServerHeld();
            } else {
                parent.fail("workers: not all reached HOLDING within " + window);
            }
            parts.addAll(w.results(window.plus(options.hold()).plus(STARTUP)));
        }
        ScenarioResult own = parent.result(ConnectScenario.NAME, Map.of(), Map.of());
        parts.add(own);
        return ScenarioResults.merge(ConnectScenario.NAME, ConnectScenario.parameters(options), parts, own.server(),
                windowServerCpu);
    }

    static ScenarioResult roomBroadcast(RoomBroadcastOptions options, CliOptions.Run run, List<String> args)
            throws Exception {
        RunMetrics parent = new RunMetrics(List.of("push"), List.of("messages.sent", "messages.accepted"),
                options.push().serverPid());
        List<ScenarioResult> parts = new ArrayList<>();
        try (WorkerProcesses w = LoadtestMain.startWorkers(run, args, RoomBroadcastScenario.NAME)) {
            Duration window = connectWindow(options.sessions());
            if (!w.awaitPhase("SUBSCRIBED", window)) {
                throw new IllegalStateException("workers did not subscribe within " + window);
            }
            RoomBroadcastScenario.prewarm(options);
            parent.markServerHeld();
            new OpenLoopPublisher(options.push(), parent).run();
            ConnectScenario.sleepNanos(options.grace().toNanos());
            w.stop();
            parts.addAll(w.results(STARTUP));
        }
        ScenarioResult own = parent.result(RoomBroadcastScenario.NAME, Map.of(), Map.of());
        parts.add(own);
        return RoomBroadcastScenario.withLoss(ScenarioResults.merge(RoomBroadcastScenario.NAME,
                RoomBroadcastScenario.parameters(options), parts, own.server()));
    }

    /**
     * The parent of a resume storm: once every worker's sessions are in the room it publishes the seed messages,
     * reads the server's history reads, sends GO (the workers cut their sessions), publishes the missed messages once
     * every worker cut, and reads the history reads again after the workers' results.
     */
    static ScenarioResult resumeStorm(ResumeStormOptions options, CliOptions.Run run, List<String> args)
            throws Exception {
        RunMetrics parent = new RunMetrics(List.of("push"), List.of("messages.sent", "messages.accepted"),
                options.push().serverPid());
        List<ScenarioResult> parts = new ArrayList<>();
        Map<String, Long> reads = Map.of();
        try (WorkerProcesses w = LoadtestMain.startWorkers(run, args, ResumeStormScenario.NAME)) {
            Duration window = connectWindow(options.sessions());
            if (!w.awaitPhase("SUBSCRIBED", window)) {
                throw new IllegalStateException("workers did not subscribe within " + window);
            }
            parent.markServerHeld();
            ResumeStormScenario.publishSeed(options, parent);
            if (!w.awaitPhase("SEEDED", options.grace().plus(STARTUP))) {
                throw new IllegalStateException("workers did not report their seed messages within "
                        + options.grace().plus(STARTUP));
            }
            Map<String, Double> before = ResumeStormScenario.scrape(options, parent);
            w.go();
            long cutAt = System.nanoTime();
            if (!w.awaitPhase("CUT", STARTUP)) {
                throw new IllegalStateException("workers did not cut their sessions within " + STARTUP);
            }
            ResumeStormScenario.publishMissed(options, parent, cutAt);
            parts.addAll(w.results(options.recoveryBound().plus(STARTUP)));
            if (before != null) {
                Map<String, Double> after = ResumeStormScenario.scrape(options, parent);
                if (after != null) {
                    reads = ResumeStormScenario.historyCounts(HistoryReadsScrape.delta(before, after));
                }
            }
        }
        ScenarioResult own = parent.result(ResumeStormScenario.NAME, Map.of(), reads);
        parts.add(own);
        return ScenarioResults.merge(ResumeStormScenario.NAME, ResumeStormScenario.parameters(options), parts,
                own.server());
    }
}
