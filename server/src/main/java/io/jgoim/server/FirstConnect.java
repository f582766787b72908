package io.jgoim.server;

import io.jgoim.client.Backoff;
import io.jgoim.client.CloseStatus;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.JgoimClientException;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The CLI client's first connect: the SDK reconnects a session that was up, but a first connect that fails (comet
 * not up yet, logic down behind it) fails its future. The CLI tries again with the SDK's full-jitter backoff, one
 * line per failed attempt and no stack trace, until it connects, a terminal close code says retrying cannot help
 * (a refused token), or {@code attempts} ran out (0 = no limit).
 */
final class FirstConnect {
    private final Backoff backoff;
    private final int attempts;
    private final PrintStream out;

    FirstConnect(Duration min, Duration max, int attempts, PrintStream out) {
        this.backoff = new Backoff(min, max, () -> ThreadLocalRandom.current().nextDouble());
        this.attempts = attempts;
        this.out = out;
    }

    /** A connected client, or null after a terminal refusal or the last attempt (already reported on out). */
    JgoimClient connect(Supplier<JgoimClient> clients) throws InterruptedException {
        for (int attempt = 0; attempts == 0 || attempt < attempts; attempt++) {
            JgoimClient client = clients.get();
            String why;
            CloseStatus status = null;
            try {
                client.connect().get(30, TimeUnit.SECONDS);
                return client;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                status = cause instanceof JgoimClientException ? ((JgoimClientException) cause).closeStatus() : null;
                why = status != null ? "code=" + status.code() + " " + status.reason() : String.valueOf(cause);
            } catch (TimeoutException e) {
                why = "no answer within 30 s";
            }
            client.close();
            if (status != null && status.isTerminal()) {
                out.printf("%s connect refused for good: %s (%s); not retrying%n", LocalTime.now(), why,
                        status.closeCode());
                return null;
            }
            boolean last = attempts != 0 && attempt + 1 >= attempts;
            long waitMs = last ? 0 : TimeUnit.NANOSECONDS.toMillis(backoff.delayNanos(attempt));
            out.printf("%s connect failed: %s%s%n", LocalTime.now(), why,
                    last ? "; giving up" : "; retrying in " + waitMs + " ms");
            out.flush();
            if (!last) {
                Thread.sleep(waitMs);
            }
        }
        return null;
    }
}
