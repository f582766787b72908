package io.jgoim.comet;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.tls.GrpcChannelTls;
import io.jgoim.common.tracing.GrpcTracing;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.file.Path;

/**
 * Runs one comet node: {@code CometMain [config.yaml] [logicHost:port]}. Loads the config (file plus
 * {@code JGOIM_*} env), connects to logic over gRPC, starts and waits; a shutdown hook drains gracefully. The dist
 * module's launcher wires the Redis node registry; this entry point keeps the registry in memory.
 */
public final class CometMain {
    private CometMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        CometConfig config = CometConfig.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
        String logicTarget = args.length > 1 ? args[1] : "127.0.0.1:3119";
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        io.grpc.ManagedChannel channel = GrpcChannelTls.of(config.logic().tls(), "logic.tls")
                .apply(io.grpc.netty.NettyChannelBuilder.forTarget(logicTarget))
                .intercept(GrpcTracing.clientIf(config.tracing().enabled()))
                .intercept(io.jgoim.comet.logic.LogicChannels.throttle(config.logic(), meters)).build();
        GrpcLogicClient logic = new GrpcLogicClient(channel, config.protocol().logicTimeout());
        CometServer server = new CometServer(config, logic, new InMemoryNodeRegistry(), meters);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            channel.shutdown();
        }, "comet-shutdown"));
        Thread.currentThread().join();
    }
}
