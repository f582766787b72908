package io.jgoim.client.comet;

import com.google.protobuf.ByteString;
import io.jgoim.client.Transport;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.index.Session;
import io.jgoim.logic.testing.LogicTwin;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.testkit.TestLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real {@link CometServer} on 127.0.0.1 (every listener on port 0, TCP also over TLS) with a {@link LogicTwin} as
 * its logic, for the SDK's tests. Pushes go in through comet's own push service, as job sends them; sessions are
 * found through the twin's routes. The one place the SDK's tests touch comet classes. Thread-safe.
 */
public final class RealComet implements AutoCloseable {
    private final LogicTwin logic;
    private final boolean ownsLogic;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CometServer comet;

    private RealComet(LogicTwin logic, boolean ownsLogic, int tcpPort) {
        this.logic = logic;
        this.ownsLogic = ownsLogic;
        Map<String, String> env = new HashMap<>();
        for (String l : new String[] {"TCP", "WEB_SOCKET", "WSS", "RPC", "ADMIN"}) {
            env.put("JGOIM_" + l + "_BIND", "127.0.0.1");
            env.put("JGOIM_" + l + "_PORT", "0");
        }
        env.put("JGOIM_TCP_PORT", Integer.toString(tcpPort));
        env.put("JGOIM_TCP_TLS_ENABLED", "true");
        env.put("JGOIM_TCP_TLS_PORT", "0");
        env.put("JGOIM_RPC_ENABLED", "false");
        env.put("JGOIM_ADMIN_ENABLED", "false");
        env.put("JGOIM_REGISTRY_ENABLED", "false");
        env.put("JGOIM_TRANSPORT_WORKER_THREADS", "2");
        env.put("JGOIM_SHUTDOWN_DRAIN_TIME", "1s");
        env.putAll(TestLimits.OFF_ENV);
        this.comet = new CometServer(CometConfig.load(null, env), logic, null, meters);
        comet.start();
    }

    /**
     * A comet over a fresh twin whose Connect replies name no heartbeat, so the comet's configured interval applies
     * (as with a goim logic).
     */
    public static RealComet start() {
        return new RealComet(LogicTwin.create().heartbeatSeconds(0), true, 0);
    }

    /**
     * A comet over {@code logic} (owned by the caller, may outlive this comet), TCP on {@code tcpPort} (0: any free
     * port).
     */
    public static RealComet start(LogicTwin logic, int tcpPort) {
        return new RealComet(logic, false, tcpPort);
    }

    public LogicTwin logic() {
        return logic;
    }

    public CometServer server() {
        return comet;
    }

    public int port(Transport t) {
        return switch (t) {
            case TCP -> comet.tcpAddress().getPort();
            case TCP_TLS -> comet.tcpTlsAddress().getPort();
            case WEBSOCKET -> comet.wsAddress().getPort();
            case WEBSOCKET_TLS -> comet.wssAddress().getPort();
        };
    }

    /** Authenticated sessions open on the comet. */
    public int sessionCount() {
        return comet.sessionCount();
    }

    /** Heartbeat frames the comet read (its {@code jgoim_comet_frames_in{op="heartbeat"}} counter). */
    public long heartbeatsReceived() {
        Counter c = meters.find("jgoim_comet_frames_in").tag("op", "heartbeat").counter();
        return c == null ? 0 : (long) c.count();
    }

    // ---------------------------------------------------------------- pushes, as job sends them

    /** goim frames back to back, each with {@code op} and seq 0: the body of the op-9 push job hands a comet. */
    public static byte[] frames(int op, String... bodies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String b : bodies) {
            byte[] body = b.getBytes(StandardCharsets.UTF_8);
            ByteBuffer h = ByteBuffer.allocate(PacketLayout.HEADER_LENGTH);
            h.putInt(PacketLayout.HEADER_LENGTH + body.length).putShort((short) PacketLayout.HEADER_LENGTH)
                    .putShort(PacketLayout.VERSION).putInt(op).putInt(0);
            out.writeBytes(h.array());
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private static Proto raw(byte[] frames) {
        return Proto.newBuilder().setVer(PacketLayout.VERSION).setOp(Op.RAW).setBody(ByteString.copyFrom(frames))
                .build();
    }

    /** One room push carrying {@code bodies} as one batch of {@code op} frames; returns once handed to sessions. */
    public void pushRoom(String room, int op, String... bodies) {
        pushRoomFrames(room, frames(op, bodies));
    }

    /** One room push whose op-9 body is {@code frames} as they are (comet forwards job's bytes untouched). */
    public void pushRoomFrames(String room, byte[] frames) {
        comet.pushService().broadcastRoom(BroadcastRoomReq.newBuilder().setRoomId(room).setProto(raw(frames))
                .build()).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** A push of one {@code op} frame to the sessions with {@code keys} that watch {@code op}. */
    public void pushKeys(List<String> keys, int op, String body) {
        comet.pushService().pushMsg(PushMsgReq.newBuilder().addAllKeys(keys).setProtoOp(op)
                .setProto(raw(frames(op, body))).build()).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** A push to every session logic routes member {@code mid} to (goim's push by mid, as job resolves it). */
    public void pushMember(long mid, int op, String body) {
        pushKeys(new ArrayList<>(logic.routesOf(mid).keySet()), op, body);
    }

    // ---------------------------------------------------------------- sessions

    /** What the comet holds for one session. */
    public record SessionView(long mid, String key, String room, Set<Integer> watched, boolean extended) {
    }

    /** The comet's open sessions of member {@code mid}. */
    public List<SessionView> sessionsOf(long mid) {
        return sessions(mid).stream().map(s -> new SessionView(s.memberId(), s.key(),
                s.room() == null ? null : s.room().id(),
                Arrays.stream(s.watchedOps()).boxed().collect(Collectors.toSet()), s.isExtended())).toList();
    }

    /** Sessions in {@code room} on this comet. */
    public int roomCount(String room) {
        var r = comet.index().room(room);
        return r == null ? 0 : r.online();
    }

    private List<Session> sessions(long mid) {
        List<Session> out = new ArrayList<>();
        for (String key : logic.routesOf(mid).keySet()) {
            Session s = comet.index().session(key);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Closes every session of {@code mid} the way comet does: goodbye with {@code code} (TCP ver 2, WS), close. */
    public void closeMember(long mid, CloseCode code) {
        sessions(mid).forEach(s -> s.close(code));
    }

    /**
     * Drops every session of {@code mid} with no goodbye at all, as a crashed host or a cut cable would: the socket
     * is closed from the head of the pipeline, below the WebSocket handler that would send a close frame.
     */
    public void dropMember(long mid) {
        sessions(mid).forEach(s -> s.channel().pipeline().firstContext().close());
    }

    /**
     * Stalls the comet event loops that serve {@code mid}'s sessions (a hung server: nothing is read or answered)
     * until the returned handle is closed.
     */
    public AutoCloseable stallMember(long mid) {
        CountDownLatch release = new CountDownLatch(1);
        Set<EventLoop> loops = sessions(mid).stream().map(s -> s.channel().eventLoop()).collect(Collectors.toSet());
        for (EventLoop l : loops) {
            l.execute(() -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return release::countDown;
    }

    @Override
    public void close() {
        comet.close();
        if (ownsLogic) {
            logic.close();
        }
    }
}
