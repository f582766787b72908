package io.jgoim.loadtest;

import io.jgoim.loadtest.report.ReportWriter;
import io.jgoim.loadtest.worker.StdioCoordinator;
import io.jgoim.loadtest.worker.WorkerProcesses;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The load tool's command line ({@code bin/jgoim loadtest ...}): subcommands {@code connect}, {@code push},
 * {@code room-broadcast} and {@code resume-storm}, each bounded in sessions and time. Every run prints a summary table and writes a JSON
 * result, an HdrHistogram log and an HTML report; {@code --processes N} spreads a run over N child JVMs.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, version = "jgoim loadtest 0.1",
        description = "Bounded load scenarios against a goim-compatible server.",
        subcommands = {LoadtestMain.Connect.class, LoadtestMain.Push.class, LoadtestMain.RoomBroadcast.class,
                LoadtestMain.ResumeStorm.class})
public final class LoadtestMain implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code (0 on success). */
    public static int execute(String... args) {
        return executeAs("loadtest", args);
    }

    /**
     * Runs the CLI under {@code commandName} (how the user typed it: {@code jgoim loadtest} from the one jar, so
     * every usage line says what to type) and returns its exit code.
     */
    public static int executeAs(String commandName, String... args) {
        quietLeakDetector();
        CommandLine cl = new CommandLine(new LoadtestMain());
        cl.setCommandName(commandName);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException) {
                // a bad or unbounded option: say which, without a stack trace
                cmd.getErr().println("loadtest: " + ex.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Turns Netty's leak detector off for the run unless {@code io.netty.leakDetection.level} is set (the test suites
     * set it to paranoid). At its default level it samples one buffer in 128 and records a stack trace for it at each
     * touch: in a receiving JVM over 15,000 sessions that was {@code fill_in_stack_trace} in ~1 % of its samples, CPU
     * the load tool takes from the server it measures on shared cores.
     */
    static void quietLeakDetector() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    static List<String> originalArgs(CommandSpec spec) {
        return spec.root().commandLine().getParseResult().originalArgs();
    }

    static int finish(ScenarioResult result, CliOptions.Run run, String scenario) throws Exception {
        if (run.isWorker()) {
            ReportWriter.writeJson(result, run.resultFile);
            return 0;
        }
        PrintStream out = System.out;
        ReportWriter.write(result, run.out, run.name != null ? run.name : ReportWriter.stem(scenario), out);
        return 0;
    }

    static Path workerDir(CliOptions.Run run, String scenario) {
        return run.out.resolve((run.name != null ? run.name : ReportWriter.stem(scenario)) + "-workers");
    }

    /** {@code connect}: open, authenticate and hold sessions. */
    @Command(name = "connect", mixinStandardHelpOptions = true,
            description = "Open N sessions at a fixed rate, authenticate, heartbeat, hold, close.")
    static final class Connect implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @CommandLine.Mixin
        CliOptions.Sessions sessions = new CliOptions.Sessions();
        @CommandLine.Mixin
        CliOptions.Run run = new CliOptions.Run();
        @CommandLine.Option(names = "--room", defaultValue = "live://1000", description = "room in every token")
        String room;
        @CommandLine.Option(names = "--server-heap", description = "with --server-pid: also measure the server's "
                + "live heap per session through jcmd (forces a full GC before connecting and while holding)")
        boolean serverHeap;
        @CommandLine.Option(names = "--hold", defaultValue = "30s",
                description = "hold time (default ${DEFAULT-VALUE})")
        String hold;
        @CommandLine.Option(names = "--retry-refused", description = "a session the server refuses before it "
                + "authenticates with a close of the reconnect class (4000-4499: 4004 LOGIC_UNAVAILABLE, 4015 "
                + "OVERLOADED, 4016 CONNECT_RATE_LIMITED, 4017, 4018, ...) tries again as the SDK waits: full-jitter "
                + "backoff 1 s to 30 s over its refusals, at least the reason's retry-after; counts attempts, "
                + "refusals by code and sessions admitted on their 1st, 2nd, ... attempt (default: every refusal is "
                + "a lost session)")
        boolean retryRefused;
        @CommandLine.Option(names = "--retry-for", defaultValue = "10s", description = "with --retry-refused: no "
                + "retry starts later than this after the last scheduled session start (default ${DEFAULT-VALUE})")
        String retryFor;

        @Override
        public Integer call() throws Exception {
            run.check();
            SessionOptions so = sessions.toOptions(room).withRunAs(run.tenant.toRunAs());
            RefusalRetry retry = retryRefused ? RefusalRetry.sdkDefaults(CliValues.duration(retryFor))
                    : RefusalRetry.OFF;
            ConnectOptions options = new ConnectOptions(so, CliValues.duration(hold), run.serverPid, serverHeap,
                    retry);
            if (run.isWorker()) {
                options = new ConnectOptions(so.share(run.workerIndex, run.workerCount), options.hold(), 0, false,
                        retry);
                return finish(ConnectScenario.run(options, new StdioCoordinator(System.out)), run,
                        ConnectScenario.NAME);
            }
            if (run.processes == 1) {
                return finish(ConnectScenario.run(options), run, ConnectScenario.NAME);
            }
            return finish(MultiProcess.connect(options, run, originalArgs(spec)), run, ConnectScenario.NAME);
        }
    }

    /** {@code push}: drive the HTTP push API open loop. */
    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Push through the HTTP API at a fixed rate (open loop) to a room, mids, keys or all.")
    static final class Push implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        CliOptions.Publisher publisher = new CliOptions.Publisher();
        @CommandLine.Mixin
        CliOptions.Run run = new CliOptions.Run();
        @CommandLine.Option(names = "--target", defaultValue = "ROOM",
                description = "ROOM, MIDS, KEYS or ALL (default ${DEFAULT-VALUE})")
        PushTarget target;
        @CommandLine.Option(names = "--mids", split = ",", description = "member ids for --target MIDS")
        List<Long> mids = List.of();
        @CommandLine.Option(names = "--keys", split = ",", description = "session keys for --target KEYS")
        List<String> keys = List.of();
        @CommandLine.Option(names = "--prewarm", defaultValue = "0s",
                description = "publish unmeasured this long first (same rate and target), so tool and server are "
                        + "JIT-compiled before measuring (default ${DEFAULT-VALUE})")
        String prewarm;

        @Override
        public Integer call() throws Exception {
            run.check();
            if (run.processes != 1) {
                throw new IllegalArgumentException("push runs in one process (it holds no sessions)");
            }
            PushOptions options = publisher.toOptions(target, mids, keys, run.serverPid)
                    .withRunAs(run.tenant.toRunAs());
            return finish(PushScenario.run(options, CliValues.duration(prewarm)), run, PushScenario.NAME);
        }
    }

    /** {@code room-broadcast}: subscribers in one room plus a publisher; end-to-end latency, loss and order. */
    @Command(name = "room-broadcast", mixinStandardHelpOptions = true,
            description = "N subscribers in one room, a publisher at R msgs/s for T; end-to-end latency, loss, "
                    + "duplicates and order.")
    static final class RoomBroadcast implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @CommandLine.Mixin
        CliOptions.Sessions sessions = new CliOptions.Sessions();
        @CommandLine.Mixin
        CliOptions.Publisher publisher = new CliOptions.Publisher();
        @CommandLine.Mixin
        CliOptions.Run run = new CliOptions.Run();
        @CommandLine.Option(names = "--grace", defaultValue = "3s",
                description = "time for receivers to drain after the last push (default ${DEFAULT-VALUE})")
        String grace;
        @CommandLine.Option(names = "--prewarm", defaultValue = "0s",
                description = "publish unmeasured messages this long first (same rate and room), so server and "
                        + "receivers are JIT-compiled before measuring (default ${DEFAULT-VALUE})")
        String prewarm;

        @Override
        public Integer call() throws Exception {
            run.check();
            PushOptions push = publisher.toOptions(PushTarget.ROOM, List.of(), List.of(), run.serverPid)
                    .withRunAs(run.tenant.toRunAs());
            SessionOptions so = sessions.toOptions(push.roomKey()).withRunAs(run.tenant.toRunAs());
            RoomBroadcastOptions options = new RoomBroadcastOptions(so, push, CliValues.duration(grace), true,
                    CliValues.duration(prewarm));
            if (run.isWorker()) {
                options = new RoomBroadcastOptions(so.share(run.workerIndex, run.workerCount), push, options.grace(),
                        false);
                return finish(RoomBroadcastScenario.run(options, new StdioCoordinator(System.out)), run,
                        RoomBroadcastScenario.NAME);
            }
            if (run.processes == 1) {
                return finish(RoomBroadcastScenario.run(options), run, RoomBroadcastScenario.NAME);
            }
            return finish(MultiProcess.roomBroadcast(options, run, originalArgs(spec)), run,
                    RoomBroadcastScenario.NAME);
        }
    }

    /** {@code resume-storm}: a room's position-aware sessions lose their link together and resume spread over a window. */
    @Command(name = "resume-storm", mixinStandardHelpOptions = true,
            description = "N position-aware sessions in one room get seed messages, lose their link together, miss M "
                    + "messages and reconnect spread over a window: recovered or not (by code), time to recover, "
                    + "duplicates and gaps, and the server's history reads (store, cache, joined).")
    static final class ResumeStorm implements java.util.concurrent.Callable<Integer> {
        @Spec
        CommandSpec spec;
        @CommandLine.Mixin
        CliOptions.Sessions sessions = new CliOptions.Sessions();
        @CommandLine.Mixin
        CliOptions.Publisher publisher = new CliOptions.Publisher();
        @CommandLine.Mixin
        CliOptions.Run run = new CliOptions.Run();
        @CommandLine.Option(names = "--seed-messages", defaultValue = "5",
                description = "messages every session receives before the cut (default ${DEFAULT-VALUE})")
        int seedMessages;
        @CommandLine.Option(names = "--missed", defaultValue = "100",
                description = "messages published while the sessions are away (default ${DEFAULT-VALUE})")
        int missed;
        @CommandLine.Option(names = "--away", defaultValue = "3s",
                description = "from the cut to the first reconnect; the missed messages must be published by then "
                        + "(default ${DEFAULT-VALUE})")
        String away;
        @CommandLine.Option(names = "--window", defaultValue = "10s",
                description = "the reconnects are spread evenly over this long (default ${DEFAULT-VALUE})")
        String window;
        @CommandLine.Option(names = "--grace", defaultValue = "30s",
                description = "time for the recoveries after the last reconnect, and for the seed messages "
                        + "(default ${DEFAULT-VALUE})")
        String grace;
        @CommandLine.Option(names = "--member-streams", description = "sessions authenticate as members "
                + "--mid-base + index and also resume their own member stream (a store read each); default: member "
                + "id 0, the room stream only")
        boolean memberStreams;
        @CommandLine.Option(names = "--metrics-url", description = "the server's Prometheus page, read before the "
                + "cut and after the recoveries (default: --http + /metrics; none: not read)")
        String metricsUrl;

        @Override
        public Integer call() throws Exception {
            run.check();
            PushOptions push = publisher.toOptions(PushTarget.ROOM, List.of(), List.of(), run.serverPid)
                    .withRunAs(run.tenant.toRunAs());
            SessionOptions so = sessions.toOptions(push.roomKey()).withRunAs(run.tenant.toRunAs());
            java.net.URI metrics = metricsUrl == null
                    ? java.net.URI.create(publisher.http.replaceAll("/+$", "") + "/metrics")
                    : "none".equals(metricsUrl) ? null : java.net.URI.create(metricsUrl);
            ResumeStormOptions options = new ResumeStormOptions(so, push, seedMessages, missed,
                    CliValues.duration(away), CliValues.duration(window), so.sessions(), memberStreams,
                    CliValues.duration(grace), true, metrics);
            if (run.isWorker()) {
                return finish(ResumeStormScenario.run(options.share(run.workerIndex, run.workerCount),
                        new StdioCoordinator(System.out)), run, ResumeStormScenario.NAME);
            }
            if (run.processes == 1) {
                return finish(ResumeStormScenario.run(options), run, ResumeStormScenario.NAME);
            }
            return finish(MultiProcess.resumeStorm(options, run, originalArgs(spec)), run, ResumeStormScenario.NAME);
        }
    }

    static WorkerProcesses startWorkers(CliOptions.Run run, List<String> args, String scenario) throws Exception {
        return WorkerProcesses.start(LoadtestMain.class.getName(), args, run.processes, run.jvmOptions(),
                workerDir(run, scenario));
    }
}
