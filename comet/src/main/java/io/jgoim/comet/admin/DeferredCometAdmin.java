package io.jgoim.comet.admin;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.CometAdminService;
import io.jgoim.protocol.rpc.comet.DrainReply;
import io.jgoim.protocol.rpc.comet.DrainReq;
import io.jgoim.protocol.rpc.comet.KickReply;
import io.jgoim.protocol.rpc.comet.KickReq;
import io.jgoim.protocol.rpc.comet.MemberSessionsReply;
import io.jgoim.protocol.rpc.comet.MemberSessionsReq;
import io.jgoim.protocol.rpc.comet.PresenceReply;
import io.jgoim.protocol.rpc.comet.PresenceReq;
import io.jgoim.protocol.rpc.comet.WeightReply;
import io.jgoim.protocol.rpc.comet.WeightReq;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The comet's gRPC {@code CometAdmin} service is bound before its {@link CometControl} exists (gRPC binds first so
 * its port is in the registry entry the control's weight changes): until then a call is refused UNAVAILABLE
 * ("starting"). Thread-safe: reads the supplier's volatile each call.
 */
public final class DeferredCometAdmin implements CometAdminService {
    private final String nodeId;
    private final Supplier<CometAdminService> control;

    public DeferredCometAdmin(String nodeId, Supplier<CometAdminService> control) {
        this.nodeId = nodeId;
        this.control = control;
    }

    private CometAdminService target() {
        CometAdminService c = control.get();
        if (c == null) {
            throw new JgoimException(ErrorCode.UNAVAILABLE, "comet " + nodeId + " is starting");
        }
        return c;
    }

    @Override
    public CompletableFuture<KickReply> kick(KickReq r) {
        return target().kick(r);
    }

    @Override
    public CompletableFuture<MemberSessionsReply> memberSessions(MemberSessionsReq r) {
        return target().memberSessions(r);
    }

    @Override
    public CompletableFuture<PresenceReply> presence(PresenceReq r) {
        return target().presence(r);
    }

    @Override
    public CompletableFuture<WeightReply> weight(WeightReq r) {
        return target().weight(r);
    }

    @Override
    public CompletableFuture<DrainReply> drain(DrainReq r) {
        return target().drain(r);
    }
}
