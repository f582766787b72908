package io.jgoim.logic.auth;

import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Says loudly when unsigned goim tokens are accepted from beyond this machine: anyone who reaches a comet can then
 * claim any member or key, replace its session and read its pushes. Two checks: {@link #atStart} (logic's gRPC bind
 * or a comet's client address is not loopback: one WARN block) and {@link #onGoimToken} (a goim token from a
 * non-loopback client: at most one WARN per {@link #INTERVAL_NANOS}, counting the ones left out). Only logic in goim
 * mode uses it. Thread-safe: {@link #onGoimToken} runs on gRPC threads for every Connect and takes no lock.
 */
public final class UnsignedTokenWarning {
    /** At most one Connect-time warning this often. */
    public static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Consumer<String> sink;
    private final LongSupplier nanoClock;
    private final AtomicLong nextAt;
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param sink      receives each warning's text (production: a WARN log)
     * @param nanoClock monotonic time in nanoseconds ({@code System::nanoTime})
     */
    public UnsignedTokenWarning(Consumer<String> sink, LongSupplier nanoClock) {
        this.sink = sink;
        this.nanoClock = nanoClock;
        this.nextAt = new AtomicLong(nanoClock.getAsLong());
    }

    /** Warnings as WARN lines of {@code log}. */
    public static UnsignedTokenWarning toLog(Logger log) {
        return new UnsignedTokenWarning(log::warn, System::nanoTime);
    }

    /**
     * The start-up check.
     *
     * @param grpcBindOrNull  logic's gRPC bind address, or null when gRPC is off (standalone)
     * @param cometAddresses  the comets' client addresses ({@code host:port}) known at start
     * @return true when the block was emitted
     */
    public boolean atStart(String grpcBindOrNull, Collection<String> cometAddresses) {
        List<String> exposed = new ArrayList<>();
        if (grpcBindOrNull != null && !isLoopback(grpcBindOrNull)) {
            exposed.add("logic gRPC (where comets connect) binds " + grpcBindOrNull);
        }
        for (String a : cometAddresses) {
            if (!isLoopback(a)) {
                exposed.add("a comet takes clients on " + a);
            }
        }
        if (exposed.isEmpty()) {
            return false;
        }
        StringBuilder b = new StringBuilder(512)
                .append("UNSIGNED TOKENS ACCEPTED FROM THE NETWORK (auth.mode: goim)\n");
        for (String e : exposed) {
            b.append("  - ").append(e).append('\n');
        }
        b.append("  goim tokens are plain JSON: anyone who reaches a comet can claim any mid or key,\n")
                .append("  replace that session (close 4503 REPLACED) and read its pushes. Before exposing a node\n")
                .append("  set auth.mode: jwt with a key (configs/logic.yaml: JGOIM_TOKEN_SECRET), or keep every\n")
                .append("  listener on loopback.\n")
                .append("  See docs/operations.md, Security.");
        sink.accept(b.toString());
        return true;
    }

    /** A goim token arrived for a session from {@code remoteAddr} (comet's {@code ConnectReq.remote_addr}). */
    public void onGoimToken(String remoteAddr) {
        if (remoteAddr == null || remoteAddr.isEmpty() || isLoopback(remoteAddr)) {
            return; // empty: an in-process caller that did not say; not evidence of exposure
        }
        long now = nanoClock.getAsLong();
        long due = nextAt.get();
        if (now - due < 0 || !nextAt.compareAndSet(due, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            return;
        }
        long more = suppressed.getAndSet(0);
        sink.accept("unsigned goim token presented by non-loopback client " + remoteAddr
                + (more > 0 ? " (and " + more + " more since the last warning)" : "")
                + "; anyone on the network can impersonate any member: set auth.mode: jwt (docs/operations.md)");
    }

    /**
     * Whether {@code address} names this machine: a bind address or {@code host:port}, with the forms comet reports
     * ({@code /127.0.0.1:5000}, {@code localhost/127.0.0.1:5000}, {@code /[0:0:0:0:0:0:0:1]:5000}). Never resolves
     * names (no DNS on the Connect path): only {@code localhost} and literal loopback addresses count.
     */
    public static boolean isLoopback(String address) {
        String host = address.trim();
        int slash = host.lastIndexOf('/');
        if (slash >= 0) {
            host = host.substring(slash + 1);
        }
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host.substring(1) : host.substring(1, end);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':')); // host:port; several colons = a bare IPv6 literal
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
                || host.equals("0:0:0:0:0:0:0:1") || host.startsWith("::ffff:127.");
    }
}
