package io.jgoim.server;

import io.jgoim.common.logging.NodeLogging;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jgoim standalone}: comet + logic + job in one JVM, no Redis, no Kafka, no config file needed. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = {"Run comet, logic and job in one JVM: no Redis, no Kafka, no config needed.",
            "Embedded defaults (in-memory sessions, in-process bus): TCP 3101, WebSocket 3102 (/sub),",
            "HTTP API and /metrics 3111, the live-comments demo page at http://127.0.0.1:3111/demo/."})
final class StandaloneCommand implements Callable<Integer> {
    @Option(names = "--config", description = "YAML with optional sections comet:, logic:, job: (keys of configs/*.yaml)")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        long t0 = System.nanoTime();
        StandaloneServer server = StandaloneServer.load(config, System.getenv());
        NodeLogging.apply("standalone", server.comet().config().node().id(), server.logging(), false);
        EnvCheck.warnUnknown(System.getenv(), config);
        server.start();
        LoggerFactory.getLogger(StandaloneCommand.class).info(
                "jgoim standalone started in {} ms: tcp {}, websocket {}/sub{}, http {}",
                (System.nanoTime() - t0) / 1_000_000, server.comet().tcpAddress(), server.comet().wsAddress(),
                server.comet().wssAddress() == null ? "" : ", wss " + server.comet().wssAddress(),
                server.logic().httpAddress());
        String demo = server.demoUrl();
        if (demo != null) {
            // On stdout, one line a newcomer can copy (logs may be JSON or go elsewhere).
            System.out.println("demo: " + demo + "  (open it in two tabs and chat; docs/demo.md)");
        }
        return NodeCommands.awaitShutdown(server);
    }
}
