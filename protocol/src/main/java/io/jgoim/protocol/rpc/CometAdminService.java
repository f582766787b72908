package io.jgoim.protocol.rpc;

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

/**
 * What an operator asks of one comet (the {@code CometAdmin} gRPC service): kick sessions, list a member's
 * sessions, page a room's members, change the weight, start the drain. Implemented by the comet (logic's standalone
 * node calls it directly) and by {@link GrpcCometAdminClient} (logic in a cluster). A bad request fails with
 * BAD_PARAMETER; nothing here blocks.
 */
public interface CometAdminService {
    CompletableFuture<KickReply> kick(KickReq request);

    CompletableFuture<MemberSessionsReply> memberSessions(MemberSessionsReq request);

    CompletableFuture<PresenceReply> presence(PresenceReq request);

    CompletableFuture<WeightReply> weight(WeightReq request);

    CompletableFuture<DrainReply> drain(DrainReq request);
}
