package io.jgoim.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one runnable: {@code jgoim standalone | comet | logic | job | client | token | loadtest}. Each subcommand takes
 * {@code --config FILE} and {@code --help}; every config key can also be set with a {@code JGOIM_*} environment
 * variable (see docs/config.md).
 */
@Command(name = "jgoim", mixinStandardHelpOptions = true, version = "jgoim 0.1.0",
        description = "A goim-compatible long-connection push server.",
        subcommands = {StandaloneCommand.class, NodeCommands.Comet.class, NodeCommands.Logic.class,
            NodeCommands.Job.class, ClientCommand.class, TokenCommand.class, LoadtestCommand.class})
public final class JgoimMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Netty 4.2's default (adaptive) allocator does not recycle the retained-duplicate shell each recipient of
        // a push gets: 40 B per delivered message on TCP. The pooled allocator does, on event-loop threads: 0 B
        // (BENCHMARKS.md, RoomFanoutBenchmark and PushRingBenchmark). Set before any Netty class loads.
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "pooled");
        }
        int code = execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command line and returns its exit code; long-running commands return when they stop. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new JgoimMain());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof io.jgoim.common.config.ConfigException) {
                cmd.getErr().println("jgoim: bad config: " + ex.getMessage());
                return 2;
            }
            // One clear line (a port in use, Redis absent): the stack trace only when asked for.
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + StartupFailure.describe(ex));
            if (StartupFailure.debug(System.getenv())) {
                ex.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("(set JGOIM_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
