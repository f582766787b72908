package io.jgoim.comet.transport;

import io.jgoim.protocol.CloseCode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * One case of {@link UpgradeFuzzIT} on a real comet's WebSocket listener: writes the case's bytes (in its chunks,
 * from its peer address), half-closes or waits past the handshake deadline when the case says so, reads until the
 * comet closes, falls silent after its answer, or a cap passes, then checks what came back: HTTP/1.1 responses
 * ({@link UpgradeReplies}), the final one among the statuses the case allows, a 101 only where allowed (and always
 * for a valid request) with the right {@code Sec-WebSocket-Accept} and valid WebSocket frames behind it
 * ({@link ServerBytes}), a refusal with a Content-Length and {@code Connection: close}, nothing after it, and the
 * connection closed. Runs on a pool thread, reads on its own.
 */
final class UpgradeCase {
    static final long SILENCE_MILLIS = 250;
    static final long CAP_MILLIS = 3000;

    /** @param problems what broke the rules (empty: the case passed); outcome: how it ended, for the tally */
    record Result(List<String> problems, String outcome, String received, List<Integer> ports) {
    }

    private final UpgradeCases.Case c;
    private final InetSocketAddress address;
    private final long deadlineMillis;
    private final List<String> problems = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    UpgradeCase(UpgradeCases.Case c, InetSocketAddress address, long deadlineMillis) {
        this.c = c;
        this.address = address;
        this.deadlineMillis = deadlineMillis;
    }

    Result run() throws Exception {
        FuzzCase.Reader reader;
        try (Socket s = new Socket()) {
            if (c.untrusted()) {
                s.bind(new InetSocketAddress(UpgradeCases.UNTRUSTED_PEER, 0));
            }
            s.connect(address, 3000);
            s.setTcpNoDelay(true);
            ports.add(s.getLocalPort());
            reader = new FuzzCase.Reader(s.getInputStream());
            reader.start();
            OutputStream out = s.getOutputStream();
            for (byte[] w : c.writes()) {
                if (!write(out, w)) {
                    break;
                }
                if (c.writes().size() > 1) {
                    Thread.sleep(1);
                }
            }
            if (c.halfClose()) {
                s.shutdownOutput();
            }
            awaitEnd(reader, System.nanoTime());
            reader.closing = true;
        }
        reader.join(2000);
        boolean ended = reader.serverEnded;
        byte[] got = reader.bytes();
        UpgradeReplies p = UpgradeReplies.parse(got, ended, c.head());
        String outcome = check(p, ended);
        return new Result(problems, outcome, UpgradeCases.escape(new String(got, StandardCharsets.ISO_8859_1), 600),
                ports);
    }

    /** Until the comet closed, fell silent after its answer (or after a request that is owed none), or the cap. */
    private void awaitEnd(FuzzCase.Reader reader, long writeEnd) throws InterruptedException {
        long cap = writeEnd + TimeUnit.MILLISECONDS.toNanos(c.stall() ? deadlineMillis + 1500 : CAP_MILLIS);
        long silence = TimeUnit.MILLISECONDS.toNanos(SILENCE_MILLIS);
        for (;;) {
            long now = System.nanoTime();
            if (reader.serverEnded || now - cap > 0) {
                return;
            }
            if (!c.stall()) {
                UpgradeReplies p = UpgradeReplies.parse(reader.bytes(), false, c.head());
                boolean quiet = now - Math.max(writeEnd, reader.lastRead) >= silence;
                UpgradeReplies.Reply last = p.last();
                if (quiet && (p.malformed() != null || last != null && last.status() == 101
                        && !ServerBytes.webSocket(p.after(), Set.of()).partial()
                        || last == null && !c.complete())) {
                    return; // a refusal is waited on until the close
                }
            }
            Thread.sleep(5);
        }
    }

    private String check(UpgradeReplies p, boolean ended) {
        if (p.malformed() != null) {
            problems.add("not HTTP/1.1: " + p.malformed());
            return "malformed";
        }
        UpgradeReplies.Reply last = p.last();
        Set<Integer> allowed = new TreeSet<>(c.allowed());
        if (!c.complete()) {
            allowed.add(400);
            allowed.add(408);
        }
        if (last == null) {
            if (p.partial() && ended) {
                problems.add("closed in the middle of a response");
            } else if (c.complete() || c.stall()) {
                problems.add((ended ? "closed" : "still open") + " without an answer to "
                        + (c.complete() ? "a complete request" : "a request that missed the deadline"));
            }
            return (ended ? "closed" : "open") + " unanswered";
        }
        int status = last.status();
        if (!allowed.contains(status)) {
            problems.add("answered " + status + ", allowed " + allowed);
        } else if (c.mustUpgrade() && c.complete() && status != 101) {
            problems.add("a valid request answered " + status);
        }
        for (UpgradeReplies.Reply r : p.replies()) {
            if (r.status() == 100 && !c.sent().toLowerCase().contains("expect: 100-continue")) {
                problems.add("100 Continue to a request without Expect: 100-continue");
            }
        }
        if (status == 101) {
            checkUpgrade(last, p.after(), ended);
        } else {
            checkRefusal(last, p.after(), ended);
        }
        return status + (ended ? " closed" : " open");
    }

    private void checkUpgrade(UpgradeReplies.Reply r, byte[] after, boolean ended) {
        if (!"websocket".equalsIgnoreCase(r.header("upgrade"))
                || !"upgrade".equalsIgnoreCase(r.header("connection"))) {
            problems.add("a 101 without Upgrade: websocket and Connection: Upgrade");
        }
        String accept = c.key() == null ? null : new String(RefusedUpgrade.accept(c.key()), StandardCharsets.US_ASCII);
        if (accept == null || !accept.equals(r.header("sec-websocket-accept"))) {
            problems.add("a 101 with Sec-WebSocket-Accept " + r.header("sec-websocket-accept") + ", due " + accept);
        }
        ServerBytes.Verdict v = ServerBytes.webSocket(after, WsFuzzFrames.closeCodesSent(c.pipelined()));
        problems.addAll(v.problems());
        if (v.partial() && ended) {
            problems.add("the comet's frames end inside a frame");
        }
        // RFC 6455 4.1: a client waits for the 101 before it sends a frame. Bytes that came with the request are
        // dropped (Netty's HTTP codec holds them when the upgrade removes it), so the rest of a frame cut there is
        // read as a broken frame (a close); but an auth the comet read whole is answered first.
        if (c.auth() && !v.units().isEmpty() && !v.units().get(0).equals("op 8")
                && !v.units().get(0).startsWith("close ")) {
            problems.add("a pipelined valid auth answered with " + v.units().get(0));
        }
        if (c.stall() && c.pipelined().length == 0) {
            if (!ended || !v.units().contains("close " + CloseCode.HANDSHAKE_TIMEOUT.code())) {
                problems.add("no auth within the deadline, then " + v.last() + (ended ? ", closed" : ", still open"));
            }
        }
    }

    private void checkRefusal(UpgradeReplies.Reply r, byte[] after, boolean ended) {
        if (r.header("content-length") == null) {
            problems.add("a " + r.status() + " without Content-Length");
        }
        if (!"close".equalsIgnoreCase(r.header("connection"))) {
            problems.add("a " + r.status() + " without Connection: close");
        }
        if (after.length > 0) {
            problems.add(after.length + " bytes after the " + r.status() + ": '" + UpgradeCases.escape(
                    new String(after, StandardCharsets.ISO_8859_1), 120) + "'");
        }
        if (!ended) {
            problems.add("the connection stayed open " + CAP_MILLIS + " ms after the " + r.status());
        }
        if (r.status() == 426 && !"13".equals(r.header("sec-websocket-version"))) {
            problems.add("a 426 without Sec-WebSocket-Version: 13");
        }
        if (r.status() == 408 && !String.valueOf(CloseCode.HANDSHAKE_TIMEOUT.code())
                .equals(r.header("x-jgoim-close-code"))) {
            problems.add("a 408 without X-Jgoim-Close-Code: " + CloseCode.HANDSHAKE_TIMEOUT.code());
        }
    }

    /** Writes {@code bytes}; false once the comet closed (it stopped reading). */
    private static boolean write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }
}
