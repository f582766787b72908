package io.jgoim.protocol.rpc;

import io.jgoim.protocol.rpc.logic.AckReply;
import io.jgoim.protocol.rpc.logic.AckReq;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReply;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HistoryReply;
import io.jgoim.protocol.rpc.logic.HistoryReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReply;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.NodesReply;
import io.jgoim.protocol.rpc.logic.NodesReq;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.RefreshReply;
import io.jgoim.protocol.rpc.logic.RefreshReq;
import io.jgoim.protocol.rpc.logic.ReceiveReq;

import java.util.concurrent.CompletableFuture;

/**
 * What comet asks of logic. Two implementations: logic's own service (standalone calls it directly) and
 * {@link GrpcLogicClient} (cluster). Every method is asynchronous and never blocks the caller's thread; a failed
 * future carries an {@link io.jgoim.protocol.JgoimException} whose code says whether a retry makes sense.
 */
public interface LogicService {
    /** Authenticates a token. A refused token completes normally with {@code error_code != 0}. */
    CompletableFuture<ConnectReply> connect(ConnectReq request);

    CompletableFuture<DisconnectReply> disconnect(DisconnectReq request);

    /**
     * A Disconnect that the caller offers again when the client-side throttle refuses it locally: the transport
     * hands {@code ticket} to the throttle (gRPC: in the call's options), which counts the call once per window and
     * records in the ticket whether this offer was refused locally. An implementation without a throttle (logic in
     * process) ignores the ticket.
     */
    default CompletableFuture<DisconnectReply> disconnect(DisconnectReq request, ThrottleTicket ticket) {
        return disconnect(request);
    }

    /** Refreshes the session's routing entries (their TTL). */
    CompletableFuture<HeartbeatReply> heartbeat(HeartbeatReq request);

    /** Stores this comet's room counts; answers with the cluster-wide counts. */
    CompletableFuture<OnlineReply> renewOnline(OnlineReq request);

    /** An upstream client message (op 4 or a business op). */
    CompletableFuture<ReceiveReply> receive(ReceiveReq request);

    CompletableFuture<NodesReply> nodes(NodesReq request);

    /** Reads a stream's history (resume, gaps, last N). A logic node without a history store answers off. */
    CompletableFuture<HistoryReply> history(HistoryReq request);

    /**
     * Verifies a session's new token (op 23): it must name the session's member. A refused token completes normally
     * with {@code error_code != 0}; the caller keeps the session open either way.
     */
    CompletableFuture<RefreshReply> refresh(RefreshReq request);

    /**
     * Acks of member-stream positions from this comet's sessions (coalesced: the latest per session). A logic node
     * without a history store, or a member stream keeping none, takes none of them.
     */
    CompletableFuture<AckReply> ack(AckReq request);
}
