/**
 * The Java client SDK for jgoim and goim comets: one {@link io.jgoim.client.JgoimClient} per long connection, over
 * TCP or WebSocket (path {@code /sub}), optionally inside TLS. It authenticates with a token (goim's JSON or a JWT),
 * heartbeats, hands every pushed frame to a {@link io.jgoim.client.ClientListener} (op-9 batches split into their
 * frames, in order), changes room, watches ops, sends upstream messages whose futures complete with the matching
 * reply, surfaces close codes, and reconnects with full-jitter exponential backoff ({@link io.jgoim.client.Backoff}),
 * failing over between several comet addresses and logic's node list and following the node hints of a draining
 * comet's goodbye ({@code addresses(...)}, {@code nodesUrl(...)}, {@link io.jgoim.client.JgoimClient#node()}). With
 * {@code positions(true)} it receives stream messages with their positions, drops duplicates and resumes from its
 * last positions after a reconnect ({@link io.jgoim.client.ClientListener#onPublication},
 * {@link io.jgoim.client.ClientListener#onStreamState}).
 * Thousands of clients can share one small event loop group.
 *
 * <pre>{@code
 * EventLoopGroup group = ClientTransports.newEventLoopGroup(2);          // shared by all clients
 * JgoimClient client = JgoimClient.builder()
 *         .host("127.0.0.1").port(3102).transport(Transport.WEBSOCKET)
 *         .goimToken(123, "", "live://1000", "web", 1000, 1001)
 *         .group(group)
 *         .listener(new ClientListener() {
 *             public void onPush(JgoimClient c, int op, int seq, ByteBuf body) {
 *                 System.out.println(op + ": " + body.toString(StandardCharsets.UTF_8));
 *             }
 *             public void onClose(JgoimClient c, CloseStatus status, boolean willReconnect) {
 *                 System.out.println("closed " + status.code() + " " + status.reason());
 *             }
 *         })
 *         .build();
 * client.connect().get(10, TimeUnit.SECONDS);
 * client.changeRoom("live://2000").join();
 * Reply reply = client.sendUpstream(Op.SEND_MSG, "hi".getBytes(UTF_8)).join();
 * client.close();
 * group.shutdownGracefully();
 * }</pre>
 *
 * <p>Token lifetime: a comet closes a session when its JWT expires (TOKEN_EXPIRED, 4014). Keep it open by sending a
 * new token before then, with {@link io.jgoim.client.JgoimClient#refreshToken} or, automatically, with a
 * {@link io.jgoim.client.TokenRefresher} ({@code tokenRefresher(...)} on the builder), which the client calls at the
 * later of 30 s before exp and half the time left; {@link io.jgoim.client.JgoimClient#tokenExpiry()} says when the
 * current token expires. Later reconnects authenticate with the last accepted token; after a TOKEN_EXPIRED close,
 * a first connect's attempt's included, with the refresher's new one.
 *
 * <p>Heartbeats: goim leaves the interval to the client (its server only evicts after a much longer idle time), so
 * the interval is a builder setting, 30 s by default.
 */
package io.jgoim.client;
