package io.jgoim.client.testserver;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * goim's push routes on the {@link GoimTestServer}: {@code POST /goim/push/room?operation=&type=&room=},
 * {@code /goim/push/mids?operation=&mids=}, {@code /goim/push/keys?operation=&keys=}, {@code /goim/push/all?operation=}
 * with the raw body as the message, answered {@code {"code":0,"message":"ok"}} after the push was written.
 */
final class TestPushApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final GoimTestServer server;

    TestPushApiHandler(GoimTestServer server) {
        this.server = server;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        Map<String, List<String>> params = q.parameters();
        byte[] body = ByteBufUtil.getBytes(req.content());
        int code = 0;
        String message = "ok";
        HttpResponseStatus status = HttpResponseStatus.OK;
        try {
            if (req.method() != HttpMethod.POST) {
                throw new IllegalArgumentException("POST only");
            }
            int op = Integer.parseInt(param(params, "operation"));
            switch (q.path()) {
                case "/goim/push/room" -> server.pushRoom(param(params, "type") + "://" + param(params, "room"), op,
                        body);
                case "/goim/push/mids" -> server.pushMids(Arrays.stream(param(params, "mids").split(","))
                        .map(Long::parseLong).toList(), op, body);
                case "/goim/push/keys" -> server.pushKeys(List.of(param(params, "keys").split(",")), op, body);
                case "/goim/push/all" -> server.pushAll(op, body);
                default -> {
                    status = HttpResponseStatus.NOT_FOUND;
                    code = 404;
                    message = "no such route";
                }
            }
        } catch (RuntimeException e) {
            status = HttpResponseStatus.BAD_REQUEST;
            code = 400;
            message = String.valueOf(e.getMessage()).replace('"', '\'');
        }
        byte[] json = ("{\"code\":" + code + ",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(json));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(res, json.length);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static String param(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        if (v == null || v.isEmpty() || v.get(0).isEmpty()) {
            throw new IllegalArgumentException("missing parameter " + name);
        }
        return v.get(0);
    }
}
