package io.jgoim.server.cluster;

import io.jgoim.comet.TestClient;
import io.netty.buffer.Unpooled;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A goim (ver 1) client as a goim app runs one, on comet's raw {@link TestClient} (TCP or WebSocket): auth op 7 with
 * ver 1 and goim's JSON token, op 2 every 10 s, and after any close a reconnect to another address of its list
 * (home first, then any other at random) after a full-jitter backoff of 100 ms to 1 s. Nothing of jgoim's extensions.
 *
 * <p>Every byte it receives is checked against goim's wire format (docs/protocol.md): each frame has headerLen 16 and
 * ver 1; the auth reply is a bare 16-byte op 8 with the auth's seq; a heartbeat reply is op 3 with a 4-byte body and
 * the heartbeat's seq; a push is op 1000 with seq 0, over TCP as the frame itself (no outer frame), over WebSocket as
 * one binary message holding an op-9 frame (ver 1, seq 0) whose body is whole inner frames, exactly. Anything else
 * (ops 18-26, ver 2 or 3, a JSON auth reply, a frame split across WebSocket messages, bytes left after a TCP close)
 * is a violation, and so is a push whose sequence number (the {@link Pusher}'s, sent one at a time per stream) is
 * not above the last one of its stream in the same session. Pushes go to a {@link StreamTracker}; every close is
 * recorded with its WebSocket close code.
 *
 * <p>Threads: received bytes on TestClient's event loops; connects, auths and heartbeats on {@code scheduler}.
 */
final class GoimV1Client {
    private static final int AUTH_SEQ = 1;
    private static final int PUSH_OP = 1000;

    /**
     * The end of an authenticated connection: when, to which address, the WebSocket close code (-1: none came) and
     * the bytes of a partial frame left over (0 expected).
     */
    record Close(long nanos, String address, int code, int trailingBytes) {
    }

    private final String name;
    private final TestClient.Mode mode;
    private final byte[] token;
    private final List<String> addresses;
    private final StreamTracker tracker;
    private final ScheduledExecutorService scheduler;
    private final List<String> violations = new ArrayList<>();
    private final List<Close> closes = new ArrayList<>();
    /** When each connection authenticated (nanoTime), in order. */
    private final List<Long> authenticatedAt = new ArrayList<>();
    /** Per stream, the highest sequence number received in any session (event loops; guarded by this). */
    private final java.util.Map<String, Integer> highest = new java.util.HashMap<>();
    private int lateAcrossSessions;
    private volatile Connection current;
    private volatile boolean stopped;
    /** The index of the address last tried (-1: none yet). */
    private int next = -1;
    private int connects;

    GoimV1Client(String name, TestClient.Mode mode, long mid, String room, List<String> addresses,
                 StreamTracker tracker, ScheduledExecutorService scheduler) {
        this.name = name;
        this.mode = mode;
        this.token = ("{\"mid\":" + mid + ",\"key\":\"" + name + "\",\"room_id\":\"" + room
                + "\",\"platform\":\"test\",\"accepts\":[" + PUSH_OP + "]}").getBytes(StandardCharsets.UTF_8);
        this.addresses = List.copyOf(addresses);
        this.tracker = tracker;
        this.scheduler = scheduler;
    }

    /** Starts connecting to the home address (and keeps reconnecting until {@link #stop()}); heartbeats every 10 s. */
    void start() {
        scheduler.execute(this::attempt);
        long phase = ThreadLocalRandom.current().nextLong(10_000);
        scheduler.scheduleWithFixedDelay(this::heartbeat, phase, 10_000, TimeUnit.MILLISECONDS);
    }

    boolean isConnected() {
        Connection c = current;
        return c != null && c.authenticated;
    }

    /** The address of the current authenticated connection, or null. */
    String connectedTo() {
        Connection c = current;
        return c != null && c.authenticated ? c.address : null;
    }

    /** Connections that authenticated (the first one included). */
    synchronized int connects() {
        return connects;
    }

    /**
     * True when one connection was authenticated from before {@code fromNanos} until after {@code toNanos} (nanoTime):
     * the client was in a session throughout.
     */
    synchronized boolean inSessionThroughout(long fromNanos, long toNanos) {
        for (int i = 0; i < authenticatedAt.size(); i++) {
            long end = i < closes.size() ? closes.get(i).nanos() : Long.MAX_VALUE;
            if (authenticatedAt.get(i) < fromNanos && end > toNanos) {
                return true;
            }
        }
        return false;
    }

    synchronized List<Close> closes() {
        return new ArrayList<>(closes);
    }

    /**
     * Messages that came, in a later session, after a higher sequence number of their stream had come in an earlier
     * one (the comet moved to had not yet delivered them when the client joined it).
     */
    synchronized int lateAcrossSessions() {
        return lateAcrossSessions;
    }

    /** Frames that are not goim's and per-session order violations, at most 20. */
    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    String name() {
        return name;
    }

    TestClient.Mode mode() {
        return mode;
    }

    /** Closes the connection and reconnects no more. */
    void stop() {
        stopped = true;
        Connection c = current;
        if (c != null) {
            c.client.close();
        }
    }

    private void attempt() {
        if (stopped) {
            return;
        }
        String address;
        synchronized (this) {
            // Home first; after that any other address of the list, at random (goim apps pick from a node list).
            if (next < 0) {
                next = 0;
            } else if (addresses.size() > 1) {
                next = (next + 1 + ThreadLocalRandom.current().nextInt(addresses.size() - 1)) % addresses.size();
            }
            address = addresses.get(next);
        }
        String[] hp = address.split(":");
        Connection c = new Connection(address);
        try {
            c.client = TestClient.connect(mode, new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), "/sub", c,
                    5_000);
        } catch (Exception e) {
            c.retryOnce(); // a refused connect or upgrade (it may also have closed: one retry either way)
            return;
        }
        current = c;
        try {
            c.client.send(1, 7, AUTH_SEQ, token);
        } catch (RuntimeException e) {
            c.client.close(); // its close schedules the next attempt
            return;
        }
        scheduler.schedule(() -> {
            if (!c.authenticated) {
                c.client.close();
            }
        }, 5, TimeUnit.SECONDS);
    }

    private void retryLater() {
        if (!stopped) {
            scheduler.schedule(this::attempt, ThreadLocalRandom.current().nextLong(100, 1_000), TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        Connection c = current;
        if (c == null || !c.authenticated || stopped) {
            return;
        }
        if (c.awaitingHeartbeatReply) {
            // No reply to the last heartbeat within one interval: the comet is gone without a close reaching this
            // socket (goim's clients give up on a silent server too). Its close reconnects.
            c.client.close();
            return;
        }
        try {
            c.awaitingHeartbeatReply = true;
            c.client.send(1, 2, ++c.heartbeatSeq, new byte[0]);
        } catch (RuntimeException e) {
            // the connection is closing; its close reconnects
        }
    }

    private synchronized void violation(String what) {
        if (violations.size() < 20) {
            violations.add(name + ": " + what);
        }
    }

    /** One connection: its TCP reassembly buffer and auth state; read on the connection's event loop. */
    private final class Connection implements TestClient.Sink {
        final String address;
        volatile TestClient client;
        volatile boolean authenticated;
        volatile int heartbeatSeq = AUTH_SEQ;
        /** A heartbeat went out and its reply has not come yet. */
        volatile boolean awaitingHeartbeatReply;
        byte[] pending = new byte[0];
        int closeCode = -1;
        /** Per stream, the last sequence number of this session: goim's order holds while a session is up. */
        final java.util.Map<String, Integer> lastInSession = new java.util.HashMap<>();
        private final java.util.concurrent.atomic.AtomicBoolean retried = new java.util.concurrent.atomic.AtomicBoolean();

        Connection(String address) {
            this.address = address;
        }

        /** Schedules the next attempt, once per connection whichever of its failure paths comes first. */
        void retryOnce() {
            if (retried.compareAndSet(false, true)) {
                retryLater();
            }
        }

        @Override
        public void onBytes(byte[] bytes) {
            if (mode == TestClient.Mode.WS) {
                frame(bytes, 0, bytes.length, true);
                return;
            }
            byte[] all = pending.length == 0 ? bytes : concat(pending, bytes);
            int at = 0;
            while (all.length - at >= 4) {
                int len = ByteBuffer.wrap(all, at, 4).getInt();
                if (len < 16 || len > (1 << 20)) {
                    violation("TCP frame length " + len + " at " + address);
                    pending = new byte[0];
                    client.close();
                    return;
                }
                if (all.length - at < len) {
                    break;
                }
                frame(all, at, len, false);
                at += len;
            }
            pending = Arrays.copyOfRange(all, at, all.length);
        }

        /** One whole frame the server sent (a WebSocket message is one frame). */
        private void frame(byte[] b, int at, int len, boolean ws) {
            ByteBuffer h = ByteBuffer.wrap(b, at, len);
            int packLen = h.getInt(at);
            int headerLen = h.getShort(at + 4);
            int ver = h.getShort(at + 6);
            int op = h.getInt(at + 8);
            int seq = h.getInt(at + 12);
            if (packLen != len || headerLen != 16 || ver != 1) {
                violation("frame packLen " + packLen + " of " + len + ", headerLen " + headerLen + ", ver " + ver
                        + ", op " + op + " at " + address);
                return;
            }
            if (!authenticated) {
                if (op != 8 || seq != AUTH_SEQ || len != 16) {
                    violation("first frame op " + op + " seq " + seq + " length " + len + " (a bare op 8 expected)");
                    return;
                }
                authenticated = true;
                synchronized (GoimV1Client.this) {
                    connects++;
                    authenticatedAt.add(System.nanoTime());
                }
                tracker.onConnected(null, address);
                return;
            }
            if (op == 3) {
                awaitingHeartbeatReply = false;
                if (len != 20 || seq != heartbeatSeq) {
                    violation("heartbeat reply length " + len + " seq " + seq + " (20, " + heartbeatSeq + ")");
                }
            } else if (op == 9 && ws && seq == 0) {
                int inner = at + 16;
                int end = at + len;
                while (inner < end) {
                    int innerLen = end - inner >= 4 ? ByteBuffer.wrap(b, inner, 4).getInt() : -1;
                    if (innerLen < 16 || innerLen > end - inner) {
                        violation("op 9 body not whole frames (" + innerLen + " of " + (end - inner) + " left)");
                        return;
                    }
                    push(b, inner, innerLen);
                    inner += innerLen;
                }
            } else if (op == PUSH_OP && !ws) {
                push(b, at, len);
            } else {
                violation((ws ? "WebSocket" : "TCP") + " frame op " + op + " seq " + seq + " at " + address);
            }
        }

        private void push(byte[] b, int at, int len) {
            ByteBuffer h = ByteBuffer.wrap(b, at, len);
            int headerLen = h.getShort(at + 4);
            int ver = h.getShort(at + 6);
            int op = h.getInt(at + 8);
            int seq = h.getInt(at + 12);
            if (headerLen != 16 || ver != 1 || op != PUSH_OP || seq != 0) {
                violation("push frame headerLen " + headerLen + " ver " + ver + " op " + op + " seq " + seq);
                return;
            }
            String body = new String(b, at + 16, len - 16, StandardCharsets.UTF_8);
            String[] parts = body.split("\\|");
            if (parts.length == 3) {
                int n = Integer.parseInt(parts[1]);
                Integer last = lastInSession.put(parts[0], n);
                if (last != null && n <= last) {
                    violation(parts[0] + ": message " + n + " after " + last + " in one session at " + address);
                }
                synchronized (GoimV1Client.this) {
                    Integer high = highest.get(parts[0]);
                    if (high != null && n < high && (last == null || n > last)) {
                        lateAcrossSessions++;
                    }
                    highest.merge(parts[0], n, Math::max);
                }
            }
            tracker.onPush(null, op, seq, Unpooled.wrappedBuffer(b, at + 16, len - 16));
        }

        @Override
        public void onCloseFrame(int code) {
            closeCode = code;
        }

        @Override
        public void onClosed() {
            if (authenticated) {
                synchronized (GoimV1Client.this) {
                    closes.add(new Close(System.nanoTime(), address, closeCode, pending.length));
                }
            }
            if (pending.length > 0) {
                violation(pending.length + " bytes of a partial frame at the close of " + address);
            }
            authenticated = false;
            retryOnce();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
