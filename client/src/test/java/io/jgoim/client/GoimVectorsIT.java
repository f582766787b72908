package io.jgoim.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.testkit.LeakCheck;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SDK against the bytes of a real goim v2 (captured in goim-v2-captured.json): acting as a goim client (ver 1),
 * it must write the captured request frames byte for byte, and read the captured replies, pushes and room batches
 * (back-to-back TCP frames; one WebSocket message with an outer op-9 frame) into the same messages.
 */
@ExtendWith(LeakCheck.class)
@Timeout(30)
class GoimVectorsIT {
    private static final Map<String, byte[]> VECTORS = load();

    private EventLoopGroup group;
    private Channel listener;
    private final List<byte[]> received = new CopyOnWriteArrayList<>();

    private static Map<String, byte[]> load() {
        try (InputStream in = GoimVectorsIT.class.getResourceAsStream("/goim-v2-captured.json")) {
            Map<String, byte[]> out = new HashMap<>();
            for (JsonNode v : new ObjectMapper().readTree(in).get("vectors")) {
                out.put(v.get("name").asText() + "|" + v.get("transport").asText(),
                        ByteBufUtil.decodeHexDump(v.get("hex").asText()));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] vector(String name, String transport) {
        return VECTORS.get(name + "|" + transport).clone();
    }

    /** A captured server frame with its seq replaced by the request's, so the client can match it. */
    private static ByteBuf reply(String name, int seq) {
        byte[] b = vector(name, "tcp");
        ByteBuf out = Unpooled.wrappedBuffer(b);
        out.setInt(PacketLayout.SEQ_OFFSET, seq);
        return out;
    }

    @BeforeEach
    void start() {
        group = ClientTransports.newEventLoopGroup(1);
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private int bind(ChannelInitializer<Channel> init) {
        listener = new ServerBootstrap().group(group)
                .channel(ClientTransports.isEpoll(group) ? EpollServerSocketChannel.class
                        : NioServerSocketChannel.class)
                .childHandler(init).bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** goim's comet, scripted: answers each request with the captured reply, then pushes the captured messages. */
    private final class ScriptedGoimTcp extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            byte[] bytes = ByteBufUtil.getBytes(frame);
            received.add(bytes);
            int op = frame.getInt(PacketLayout.OP_OFFSET);
            int seq = frame.getInt(PacketLayout.SEQ_OFFSET);
            switch (op) {
                case Op.AUTH -> {
                    ctx.write(reply("auth reply", seq));
                    ctx.write(Unpooled.wrappedBuffer(vector("push to mid, one message", "tcp")));
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(vector("room push, three messages batched", "tcp")));
                }
                case Op.SUB -> ctx.writeAndFlush(reply("watch ops reply", seq));
                case Op.SEND_MSG -> ctx.writeAndFlush(reply("upstream send reply", seq));
                case 1000 -> ctx.writeAndFlush(reply("business op 1000 from client, reply", seq));
                case Op.CHANGE_ROOM -> ctx.writeAndFlush(reply("change room reply", seq));
                default -> {
                }
            }
        }
    }

    /** The frame with its seq field zeroed, for comparing requests whose seq depends on timing. */
    private static byte[] withoutSeq(byte[] frame) {
        byte[] b = frame.clone();
        for (int i = PacketLayout.SEQ_OFFSET; i < PacketLayout.SEQ_OFFSET + 4; i++) {
            b[i] = 0;
        }
        return b;
    }

    @Test
    void shouldSpeakGoimV2OverTcpByteForByte() throws Exception {
        int port = bind(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, -4, 0), new ScriptedGoimTcp());
            }
        });
        List<String> pushes = new CopyOnWriteArrayList<>();
        byte[] token = java.util.Arrays.copyOfRange(vector("auth request", "tcp"), PacketLayout.HEADER_LENGTH,
                vector("auth request", "tcp").length);
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(port).token(token).extended(false)
                .heartbeatInterval(Duration.ofHours(1)).group(group).listener(new ClientListener() {
                    @Override
                    public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
                        pushes.add(op + " " + body.toString(StandardCharsets.UTF_8));
                    }
                }).build();
        try {
            c.connect().get(5, TimeUnit.SECONDS);
            assertThat(received.get(0)).isEqualTo(vector("auth request", "tcp"));

            c.watch(1000, 1001).get(5, TimeUnit.SECONDS);
            Reply up = c.sendUpstream(Op.SEND_MSG, "hello upstream".getBytes(StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS);
            Reply biz = c.sendUpstream(1000, "biz".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
            String room = c.changeRoom("live://8888").get(5, TimeUnit.SECONDS);

            assertThat(withoutSeq(received.get(1))).isEqualTo(withoutSeq(vector("watch ops", "tcp")));
            assertThat(withoutSeq(received.get(2))).isEqualTo(withoutSeq(vector("upstream send", "tcp")));
            assertThat(withoutSeq(received.get(4))).isEqualTo(withoutSeq(vector("change room", "tcp")));
            assertThat(up.op()).isEqualTo(Op.SEND_MSG);
            assertThat(up.body()).isEmpty();
            assertThat(biz.op()).isEqualTo(1000);
            assertThat(room).isEqualTo("live://8888");
            await().atMost(Duration.ofSeconds(5)).until(() -> pushes.size() == 4);
            assertThat(pushes).containsExactly("1000 {\"m\":\"one\"}", "1000 {\"n\":0}", "1000 {\"n\":1}",
                    "1000 {\"n\":2}");
        } finally {
            c.close();
        }
    }

    @Test
    void shouldReadGoimV2WebSocketBatches() throws Exception {
        int port = bind(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                        new WebSocketServerProtocolHandler("/sub"),
                        new SimpleChannelInboundHandler<BinaryWebSocketFrame>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame m) {
                                received.add(ByteBufUtil.getBytes(m.content()));
                                ctx.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                                        vector("auth reply", "websocket message payload"))));
                                ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(
                                        vector("room push, three messages batched", "websocket message payload"))));
                            }
                        });
            }
        });
        List<String> pushes = new CopyOnWriteArrayList<>();
        byte[] token = java.util.Arrays.copyOfRange(vector("auth request", "tcp"), PacketLayout.HEADER_LENGTH,
                vector("auth request", "tcp").length);
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(port).transport(Transport.WEBSOCKET)
                .token(token).extended(false).heartbeatInterval(Duration.ofHours(1)).group(group)
                .listener(new ClientListener() {
                    @Override
                    public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
                        pushes.add(op + " " + body.toString(StandardCharsets.UTF_8));
                    }
                }).build();
        try {
            c.connect().get(5, TimeUnit.SECONDS);

            assertThat(received.get(0)).isEqualTo(vector("auth request", "tcp"));
            await().atMost(Duration.ofSeconds(5)).until(() -> pushes.size() == 3);
            assertThat(pushes).containsExactly("1000 {\"n\":0}", "1000 {\"n\":1}", "1000 {\"n\":2}");
        } finally {
            c.close();
        }
    }
}
