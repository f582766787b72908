package io.jgoim.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of one node that can be cut at once, as a crashed host or a pulled cable would:
 * listener and every connection closed with a reset, nothing drained; or hung, as a path that drops every packet;
 * or made to forget its open connections. {@code delayMillis} holds each chunk before
 * forwarding it, so calls are reliably in flight when the cut comes.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long delayMillis;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;
    private volatile boolean hung;
    private volatile boolean rejecting;
    /** Connections accepted before the {@link #forget()} that set this (their number) drop everything. */
    private volatile long forgottenBelow;
    private long accepted;

    public TcpProxy(InetSocketAddress target, long delayMillis) throws IOException {
        this.target = target;
        this.delayMillis = delayMillis;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** {@code 127.0.0.1:port} to dial instead of the target. */
    public String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!cut) {
            try {
                Socket in = listener.accept();
                if (rejecting) {
                    reset(in);
                    continue;
                }
                Socket out = new Socket(target.getAddress(), target.getPort());
                sockets.add(in);
                sockets.add(out);
                long number;
                synchronized (this) {
                    number = accepted++;
                }
                pump(in, out, number);
                pump(out, in, number);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, long number) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                    if (hung || number < forgottenBelow) {
                        continue; // read and dropped: the sender's writes never block, nothing arrives
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // cut, or the peer closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /**
     * From now on nothing gets through, either way, and nothing is closed: connections stay established and take
     * bytes, new ones are accepted, as across a network path that silently drops packets (a firewall or NAT that
     * forgot the connection) or to a host that hangs.
     */
    public void hang() {
        hung = true;
    }

    /**
     * The connections open now are forgotten, as by a NAT or firewall whose state for them expired: from now on
     * nothing of theirs gets through, either way, and nothing closes them; connections opened afterwards work.
     */
    public synchronized void forget() {
        forgottenBelow = accepted;
    }

    /** Closes the listener and resets every connection at once. */
    public void cut() {
        cut = true;
        closeQuietly(listener);
        resetAll();
    }

    /**
     * Resets every connection at once and, until {@link #restore()}, every new one as soon as it is accepted: the peer
     * looks down (a crash, a restart, a load balancer with no backend), its callers' connection attempts fail.
     */
    public void reject() {
        rejecting = true;
        resetAll();
    }

    /** New connections are forwarded again after {@link #reject()}. */
    public void restore() {
        rejecting = false;
    }

    private void resetAll() {
        for (Socket s : sockets) {
            reset(s);
        }
        sockets.clear();
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // RST, not FIN: the peer sees a crash
        } catch (IOException e) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // best effort
        }
    }

    @Override
    public void close() {
        cut();
    }
}
