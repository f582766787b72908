package io.jgoim.comet.session;

import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.limit.ClientIp;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Tenancy;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.netty.channel.ChannelHandlerContext;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What follows logic's acceptance of an auth: the session is registered from logic's reply ({@link #register}), then
 * the client gets op 8 in the form its auth ver asks for: the bare header (a goim client), its key, heartbeat and
 * expiry (ver 2, {@link #reply}), or, for a position-aware client (ver 3), the same with its streams' positions once
 * they were read from history ({@link #resume}, {@link io.jgoim.comet.stream.StreamDelivery#resume}). It exists so
 * that {@link HandshakeHandler} decides when the auth is accepted and answered, and this what that does.
 *
 * <p>Stateless; called on the channel's event loop, in the task that handles logic's answer.
 */
final class AuthAccepted {
    private AuthAccepted() {
    }

    /**
     * Registers the accepted session in the index (its room, ops, heartbeat, loop, credentials) and hands it the
     * client address's place ({@code clientIp}, null: none), and announces its route again when a Disconnect of its
     * key may have been at logic with its Connect ({@link LogicDisconnects}); returns its key (logic's, or a random
     * one).
     */
    static String register(ChannelHandlerContext ctx, SessionServices services, SessionHandler session,
                           ConnectReply reply, boolean positions, ClientIp clientIp) {
        String key = reply.getKey().isEmpty() ? UUID.randomUUID().toString() : reply.getKey();
        int loopIndex = Math.max(0, services.index().loops().indexOf(ctx.channel().eventLoop()));
        int[] accepts = new int[reply.getAcceptsCount()];
        for (int i = 0; i < accepts.length; i++) {
            accepts[i] = reply.getAccepts(i);
        }
        session.credentials(ctx.channel(), reply.getExpiresAtMs(), reply.getJti(), reply.getKid());
        session.activate(ctx.channel(), reply.getMid(), key, reply.getRoomId(), accepts, reply.getHeartbeat(),
                loopIndex, positions, reply.getTenant(), clientIp == null ? -1 : clientIp.handOver());
        if (services.disconnects().routeWritten(key)) {
            services.disconnects().repair(key); // a Disconnect of the key may have been at logic with this Connect
        }
        return key;
    }

    /** Writes op 8 to the ver 1 or ver 2 auth with sequence {@code seq} of the registered session {@code key}. */
    static void reply(ChannelHandlerContext ctx, SessionServices services, ConnectReply reply, short ver, int seq,
                      String key) {
        if (ver == PacketLayout.VERSION_EXTENDED) {
            // jgoim-aware clients learn the heartbeat interval and their key (a goim client gets the bare header).
            ctx.writeAndFlush(ReplyFrames.authReplyExtended(ctx.alloc(), seq, Tenancy.local(key),
                    heartbeatSeconds(services, reply), reply.getExpiresAtMs() / 1000));
        } else {
            ctx.writeAndFlush(ReplyFrames.empty(ver, Op.AUTH_REPLY, seq));
        }
        services.metrics().frameOut(Op.AUTH_REPLY);
    }

    /**
     * Resumes the registered position-aware {@code session} (live pushes to it are held from now on): each of its
     * streams is read from history from the positions the client {@code asked} (null: none), then op 8 to the auth
     * with sequence {@code seq} goes out with their positions, then the missed messages, then the held live ones.
     * The future completes on the event loop; it fails when history is too slow or failing.
     */
    static CompletableFuture<Void> resume(ChannelHandlerContext ctx, SessionServices services, SessionHandler session,
                                          ConnectReply reply, List<StreamState> asked, int seq, String key) {
        long hb = heartbeatSeconds(services, reply);
        // A declared tenant's streams are its own: its room (already namespaced), <tenant><US>mid:<mid>,
        // <tenant><US>broadcast (docs/operations.md, Tenants).
        List<String> streams = StreamPosition.sessionStreams(reply.getRoomId(), reply.getMid(), reply.getTenant());
        return session.session().streams().resume(streams, asked == null ? List.of() : asked, states -> {
            services.metrics().frameOut(Op.AUTH_REPLY);
            ctx.write(ReplyFrames.authReplyPositions(ctx.alloc(), seq, Tenancy.local(key), hb,
                    reply.getExpiresAtMs() / 1000, states));
        });
    }

    /** The heartbeat interval the client is told: logic's for this session, else the comet's. */
    private static long heartbeatSeconds(SessionServices services, ConnectReply reply) {
        return reply.getHeartbeat() > 0 ? reply.getHeartbeat()
                : services.config().protocol().heartbeatInterval().toSeconds();
    }
}
