package io.jgoim.logic.service;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.protocol.rpc.LogicGrpcService;
import io.jgoim.protocol.rpc.LogicService;

import java.time.Duration;

/**
 * The gRPC twin: {@link GrpcLogicClient} calling {@link LogicGrpcService} (as LogicServer serves it, direct
 * executor) over gRPC's in-process transport, so requests, replies and failures go through protobuf and
 * {@code Rpc}'s status mapping as in a cluster, without sockets.
 */
class GrpcLogicServiceContractTest extends LogicServiceContract {
    private Server server;
    private ManagedChannel channel;

    @Override
    LogicService open(LogicService local) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new LogicGrpcService(local))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return new GrpcLogicClient(channel, Duration.ofSeconds(5));
    }

    @Override
    void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }
}
