package io.jgoim.comet.push;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.jgoim.protocol.rpc.CometGrpcService;
import io.jgoim.protocol.rpc.CometService;
import io.jgoim.protocol.rpc.GrpcCometClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The contract on the gRPC twin: {@link GrpcCometClient} calling a served {@link CometGrpcService} in front of the
 * comet's push service, over grpc-inprocess with direct executors, so requests, replies and error statuses go through
 * gRPC's marshalling and status mapping while every call stays on the test thread (as the comet serves gRPC on its
 * transport threads with {@code directExecutor()}).
 */
class GrpcCometServiceTest extends CometServiceContract {
    private Server server;
    private ManagedChannel channel;

    @Override
    protected CometService twin(CometPushService direct) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new CometGrpcService(direct))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return new GrpcCometClient(channel, Duration.ofSeconds(10));
    }

    @Override
    protected void closeTwin() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
