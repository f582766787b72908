package io.jgoim.server;

import io.jgoim.loadtest.LoadtestMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.concurrent.Callable;

/** {@code jgoim loadtest ...}: the load-test tool (connect, push, room-broadcast); see {@code jgoim loadtest --help}. */
@Command(name = "loadtest", description = "Run a bounded load scenario (connect, push, room-broadcast, resume-storm).",
        mixinStandardHelpOptions = false)
final class LoadtestCommand implements Callable<Integer> {
    /** Everything after {@code loadtest}, handed to the load tool's own command line. */
    @Unmatched
    String[] args = new String[0];

    @Override
    public Integer call() {
        return LoadtestMain.executeAs("jgoim loadtest", args);
    }
}
