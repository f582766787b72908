package io.jgoim.client.testserver;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The per-connection protocol of the {@link GoimTestServer}, one instance per channel, on its event loop. */
final class TestSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Pattern MID = Pattern.compile("\"mid\"\\s*:\\s*(-?\\d+)");
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern ROOM = Pattern.compile("\"room_id\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern ACCEPTS = Pattern.compile("\"accepts\"\\s*:\\s*\\[([^\\]]*)\\]");

    private final GoimTestServer server;
    private final boolean webSocket;
    private TestSession session;
    private int ver = PacketLayout.VERSION;

    TestSessionHandler(GoimTestServer server, boolean webSocket) {
        this.server = server;
        this.webSocket = webSocket;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Proto)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Proto p = (Proto) msg;
        try {
            handle(ctx, p);
        } finally {
            p.release();
        }
    }

    private void handle(ChannelHandlerContext ctx, Proto p) {
        String body = p.body().toString(StandardCharsets.UTF_8);
        if (session == null) {
            if (p.op() != Op.AUTH) {
                GoimTestServer.closeWith(ctx.channel(), webSocket, ver, CloseCode.NOT_AUTHENTICATED);
                return;
            }
            ver = p.ver();
            if (server.answersAuth()) {
                auth(ctx, p.seq(), body);
            }
            return;
        }
        switch (p.op()) {
            case Op.HEARTBEAT -> {
                server.heartbeat();
                if (server.answersHeartbeats()) {
                    String room = session.room;
                    int online = room == null ? 0 : server.roomCount(room);
                    reply(ctx, Op.HEARTBEAT_REPLY, p.seq(), Unpooled.buffer(4).writeInt(online));
                }
            }
            case Op.CHANGE_ROOM -> {
                session.room = body;
                reply(ctx, Op.CHANGE_ROOM_REPLY, p.seq(), p.body().retain());
            }
            case Op.SUB -> {
                for (String op : body.split(",")) {
                    session.accepts.add(Integer.parseInt(op.trim()));
                }
                reply(ctx, Op.SUB_REPLY, p.seq(), p.body().retain());
            }
            case Op.UNSUB -> {
                for (String op : body.split(",")) {
                    session.accepts.remove(Integer.parseInt(op.trim()));
                }
                reply(ctx, Op.UNSUB_REPLY, p.seq(), p.body().retain());
            }
            default -> {
                server.upstream(body);
                if (GoimTestServer.FAIL_UPSTREAM.equals(body) && ver == PacketLayout.VERSION_EXTENDED) {
                    byte[] err = "{\"code\":400,\"message\":\"refused by test server\"}"
                            .getBytes(StandardCharsets.UTF_8);
                    reply(ctx, Op.ERROR_REPLY, p.seq(), Unpooled.wrappedBuffer(err));
                } else {
                    // goim answers upstream and business ops with the same op and seq and an empty body.
                    reply(ctx, p.op(), p.seq(), Unpooled.EMPTY_BUFFER);
                }
            }
        }
    }

    private void auth(ChannelHandlerContext ctx, int seq, String token) {
        Matcher mid = MID.matcher(token);
        if (token.equals(GoimTestServer.DENY_TOKEN) || !mid.find()) {
            GoimTestServer.closeWith(ctx.channel(), webSocket, ver, CloseCode.AUTH_FAILED);
            return;
        }
        Matcher key = KEY.matcher(token);
        Matcher room = ROOM.matcher(token);
        String k = key.find() && !key.group(1).isEmpty() ? key.group(1) : UUID.randomUUID().toString();
        String r = room.find() && !room.group(1).isEmpty() ? room.group(1) : null;
        TestSession s = new TestSession(ctx.channel(), webSocket, ver, Long.parseLong(mid.group(1)), k, r);
        Matcher accepts = ACCEPTS.matcher(token);
        if (accepts.find() && !accepts.group(1).isBlank()) {
            for (String op : accepts.group(1).split(",")) {
                s.accepts.add(Integer.parseInt(op.trim()));
            }
        }
        session = s;
        server.register(s);
        reply(ctx, Op.AUTH_REPLY, seq, Unpooled.EMPTY_BUFFER);
    }

    private void reply(ChannelHandlerContext ctx, int op, int seq, ByteBuf body) {
        ctx.writeAndFlush(Proto.newInstance(PacketLayout.VERSION, op, seq, body));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        server.unregister(ctx.channel());
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        CloseCode code = cause instanceof ProtocolException ? ((ProtocolException) cause).closeCode()
                : CloseCode.INTERNAL;
        GoimTestServer.closeWith(ctx.channel(), webSocket, ver, code);
    }
}
