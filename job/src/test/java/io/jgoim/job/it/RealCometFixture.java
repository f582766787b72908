package io.jgoim.job.it;

import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.job.comet.CometDirectory;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.testkit.TestLimits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real comets (CometServer in-process, port 0) with real TCP client sessions, behind job: one shared meter registry,
 * an in-memory session directory and node registry, logic's twin over them, and one client event loop. Register it
 * per test ({@code @RegisterExtension}); after each test it closes what it started, newest first.
 */
final class RealCometFixture implements AfterEachCallback {
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InMemorySessionDirectory sessions = new InMemorySessionDirectory(Duration.ofMinutes(5));
    private final InMemoryNodeRegistry nodes = new InMemoryNodeRegistry();
    private final LogicTwin logic = LogicTwin.over(sessions);
    private final EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** A comet on loopback port 0 (TCP, WebSocket, gRPC, admin; no WSS), one worker loop, test limits off. */
    static CometConfig cometConfig(String id, boolean register) {
        Map<String, String> env = new HashMap<>();
        for (String l : new String[] {"TCP", "WEB_SOCKET", "RPC", "ADMIN"}) {
            env.put("JGOIM_" + l + "_BIND", "127.0.0.1");
            env.put("JGOIM_" + l + "_PORT", "0");
        }
        env.put("JGOIM_WSS_ENABLED", "false");
        env.put("JGOIM_NODE_ID", id);
        env.put("JGOIM_TRANSPORT_WORKER_THREADS", "1");
        env.put("JGOIM_REGISTRY_ENABLED", Boolean.toString(register));
        env.put("JGOIM_SHUTDOWN_DRAIN_TIME", "1s");
        env.putAll(TestLimits.OFF_ENV);
        return CometConfig.load(null, env);
    }

    /** Starts comet {@code id}, joining the node registry when {@code register}. */
    CometServer comet(String id, boolean register) {
        CometServer c = new CometServer(cometConfig(id, register), logic, nodes, meters);
        c.start();
        closing.add(c);
        return c;
    }

    /** Connects an authenticated TCP session of {@code mid}/{@code key} in {@code room} ("" for none). */
    PushRecorder client(CometServer comet, long mid, String key, String room) {
        PushRecorder pushes = new PushRecorder();
        closing.add(PushRecorder.connect(clientLoop, comet.tcpAddress(), mid, key, room, pushes));
        return pushes;
    }

    /** Starts a job that calls the comets of {@code comets}. */
    JobServer job(JobConfig cfg, CometDirectory comets) {
        return started(new JobServer(cfg, comets, sessions, meters));
    }

    /** Starts a job that finds the comets in the node registry. */
    JobServer jobOverRegistry(JobConfig cfg) {
        return started(new JobServer(cfg, nodes, sessions, meters));
    }

    private JobServer started(JobServer job) {
        job.start();
        closing.add(job);
        return job;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        logic.close();
    }
}
