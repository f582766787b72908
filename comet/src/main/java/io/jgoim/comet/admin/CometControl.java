package io.jgoim.comet.admin;

import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.node.NodeRegistration;
import io.jgoim.protocol.CloseCode;
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
import io.jgoim.protocol.rpc.comet.SessionInfo;
import io.jgoim.protocol.rpc.comet.WeightReply;
import io.jgoim.protocol.rpc.comet.WeightReq;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * This comet's operator actions (the {@code CometAdmin} service): kick with KICKED (4502, terminal; the SDKs do not
 * reconnect), a member's sessions (a member is one tenant's: the request's {@code tenant}, "" = the default one's;
 * keys and rooms arrive namespaced), one page of a room's members ordered by key, the registry weight (published at
 * once, so logic's node list and its weighted pick see it at their next registry read), and the drain the SIGTERM
 * path runs. Reads and closes sessions on their event loops ({@link LoopWalk}). Thread-safe.
 */
public final class CometControl implements CometAdminService {
    /** The most members one presence page holds: bounds the memory and the reply of one call. */
    public static final int MAX_PAGE = 1000;
    /** The highest weight an operator may set (the registry and balancer take any int; this keeps sums small). */
    public static final int MAX_WEIGHT = 10_000;
    private static final Logger log = LoggerFactory.getLogger(CometControl.class);

    private final String nodeId;
    private final SessionIndex index;
    private final NodeRegistration registrationOrNull;
    private final Function<Duration, CompletableFuture<Integer>> drain;
    private final BooleanSupplier draining;
    private final Duration defaultDrainTime;

    /**
     * @param registrationOrNull this comet's registry entry, null when it does not register (weight then refused)
     * @param drain              the comet's drain ({@code CometServer#drain})
     */
    public CometControl(String nodeId, SessionIndex index, NodeRegistration registrationOrNull,
                        Function<Duration, CompletableFuture<Integer>> drain, BooleanSupplier draining,
                        Duration defaultDrainTime) {
        this.nodeId = nodeId;
        this.index = index;
        this.registrationOrNull = registrationOrNull;
        this.drain = drain;
        this.draining = draining;
        this.defaultDrainTime = defaultDrainTime;
    }

    @Override
    public CompletableFuture<KickReply> kick(KickReq request) {
        String key = request.getKey();
        long mid = request.getMid();
        if (key.isEmpty() == (mid == 0)) {
            throw LoopWalk.bad("give exactly one of key, mid");
        }
        if (mid < 0) {
            throw LoopWalk.bad("mid must be a positive member id, was " + mid);
        }
        String tenant = request.getTenant();
        if (!key.isEmpty() && !tenant.isEmpty()) {
            throw LoopWalk.bad("tenant applies to mid only: a key arrives in its tenant's namespace");
        }
        if (!key.isEmpty()) {
            Session s = index.session(key);
            if (s == null) {
                return CompletableFuture.completedFuture(KickReply.newBuilder().setClosed(0).build());
            }
            log.info("kicking session {} (member {}): {}", key, s.memberId(), request.getReason());
            s.close(CloseCode.KICKED);
            return CompletableFuture.completedFuture(KickReply.newBuilder().setClosed(1).build());
        }
        SessionLoops loops = index.loops();
        return LoopWalk.walk(loops, loops::sessions, AtomicInteger::new, (n, s) -> {
            if (s.memberId() == mid && s.tenant().equals(tenant)) {
                s.close(CloseCode.KICKED);
                n.incrementAndGet();
            }
        }).thenApply(parts -> {
            int closed = parts.stream().mapToInt(AtomicInteger::get).sum();
            if (closed > 0) {
                log.info("kicked {} sessions of member {} of tenant {}: {}", closed, mid,
                        tenant.isEmpty() ? "default" : tenant, request.getReason());
            }
            return KickReply.newBuilder().setClosed(closed).build();
        });
    }

    @Override
    public CompletableFuture<MemberSessionsReply> memberSessions(MemberSessionsReq request) {
        long mid = request.getMid();
        if (mid <= 0) {
            throw LoopWalk.bad("mid must be a positive member id, was " + mid);
        }
        String tenant = request.getTenant();
        SessionLoops loops = index.loops();
        return LoopWalk.walk(loops, loops::sessions, ArrayList<SessionInfo>::new, (out, s) -> {
            if (s.memberId() == mid && s.tenant().equals(tenant)) {
                out.add(info(s));
            }
        }).thenApply(parts -> {
            MemberSessionsReply.Builder b = MemberSessionsReply.newBuilder();
            parts.forEach(b::addAllSessions);
            return b.build();
        });
    }

    /**
     * Each loop keeps the {@code limit + 1} smallest keys after {@code after} (a bounded sorted map), the merge keeps
     * the first {@code limit}: a page costs one walk of the room's members and memory bounded by the page size.
     */
    @Override
    public CompletableFuture<PresenceReply> presence(PresenceReq request) {
        String roomId = request.getRoomId();
        if (roomId.isEmpty()) {
            throw LoopWalk.bad("room is required");
        }
        int limit = request.getLimit();
        if (limit < 1 || limit > MAX_PAGE) {
            throw LoopWalk.bad("limit must be within 1.." + MAX_PAGE + ", was " + limit);
        }
        String after = request.getAfter();
        Room room = index.room(roomId);
        if (room == null) {
            return CompletableFuture.completedFuture(PresenceReply.newBuilder().setOnline(0).build());
        }
        int keep = limit + 1;
        return LoopWalk.walk(index.loops(), room::shard, () -> new TreeMap<String, Session>(), (page, s) -> {
            if (s.key().compareTo(after) > 0 && (page.size() < keep || s.key().compareTo(page.lastKey()) < 0)) {
                page.put(s.key(), s);
                if (page.size() > keep) {
                    page.pollLastEntry();
                }
            }
        }).thenApply(parts -> {
            // SessionInfo built here, off the loops: key, mid, transport and address are immutable; room is this one.
            TreeMap<String, Session> merged = new TreeMap<>();
            parts.forEach(merged::putAll);
            PresenceReply.Builder b = PresenceReply.newBuilder().setOnline(room.online());
            int n = 0;
            for (Session s : merged.values()) {
                if (n == limit) {
                    b.setMore(true);
                    break;
                }
                b.addMembers(info(s, roomId));
                n++;
            }
            return b.build();
        });
    }

    @Override
    public CompletableFuture<WeightReply> weight(WeightReq request) {
        int w = request.getWeight();
        if (w < 0 || w > MAX_WEIGHT) {
            throw LoopWalk.bad("weight must be within 0.." + MAX_WEIGHT + ", was " + w);
        }
        if (registrationOrNull == null) {
            throw new JgoimException(ErrorCode.UNAVAILABLE, "comet " + nodeId
                    + " is not in a node registry (registry.enabled false): it has no weight to change");
        }
        int previous = registrationOrNull.weight(w);
        log.info("comet {} weight {} -> {}", nodeId, previous, w);
        return CompletableFuture.completedFuture(WeightReply.newBuilder().setPrevious(previous).setWeight(w).build());
    }

    @Override
    public CompletableFuture<DrainReply> drain(DrainReq request) {
        int seconds = request.getDrainSeconds();
        if (seconds < 0 || seconds > 3600) {
            throw LoopWalk.bad("drain seconds must be within 0..3600, was " + seconds);
        }
        Duration time = seconds == 0 ? defaultDrainTime : Duration.ofSeconds(seconds);
        boolean already = draining.getAsBoolean();
        int sessions = index.loops().sessionCount();
        drain.apply(time);
        return CompletableFuture.completedFuture(DrainReply.newBuilder().setSessions(sessions).setAlready(already)
                .setDrainSeconds((int) time.toSeconds()).build());
    }

    private SessionInfo info(Session s) {
        Room r = s.room();
        return info(s, r == null ? "" : r.id());
    }

    private SessionInfo info(Session s, String roomId) {
        boolean tls = s.channel().pipeline().get(SslHandler.class) != null;
        String transport = s.transport() == SessionTransport.TCP ? (tls ? "tcp-tls" : "tcp") : (tls ? "wss" : "ws");
        Object remote = s.channel().remoteAddress();
        String addr = remote instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(remote);
        return SessionInfo.newBuilder().setKey(s.key()).setMid(s.memberId()).setRoomId(roomId)
                .setTransport(transport).setRemoteAddr(addr).setServer(nodeId).build();
    }
}
