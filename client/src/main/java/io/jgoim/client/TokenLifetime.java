package io.jgoim.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the session's token expires ({@code "expires"}, unix seconds, in the extended auth reply and in each refresh
 * reply; absent = never) and, with a {@link TokenRefresher}, the timer that refreshes it ahead of time: at the later
 * of 30 s before exp and half the time left, so a short-lived token is refreshed at half its life. A failed refresh
 * is tried again after a quarter of the time left while more than two seconds are. Confined to the client's event
 * loop but for {@link #expiresAtSeconds()}, read from any thread.
 */
final class TokenLifetime {
    private static final Pattern EXPIRES = Pattern.compile("\"expires\"\\s*:\\s*(\\d{1,12})");
    private static final long MAX_LEAD_MILLIS = 30_000;

    private final EventLoop loop;
    private final TokenRefresher refresher;
    private final JgoimClient client;
    private volatile long expiresAtSeconds;
    private ScheduledFuture<?> task;

    TokenLifetime(EventLoop loop, TokenRefresher refresherOrNull, JgoimClient client) {
        this.loop = loop;
        this.refresher = refresherOrNull;
        this.client = client;
    }

    /** The {@code "expires"} of a reply body's JSON, 0 when it has none. */
    static long expires(String json) {
        Matcher m = EXPIRES.matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The session authenticated; {@code authReplyJson} is the auth reply's JSON (empty for goim replies). */
    void onAuthenticated(ByteBuf authReplyJson) {
        expiresAtSeconds = expires(authReplyJson.toString(StandardCharsets.UTF_8));
        schedule(false);
    }

    /** A refresh was accepted; its token expires at {@code expiresSeconds} (0 = never). */
    void onRefreshed(long expiresSeconds) {
        expiresAtSeconds = expiresSeconds;
        schedule(false);
    }

    /** The connection is gone: no refresh until the next auth. */
    void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    long expiresAtSeconds() {
        return expiresAtSeconds;
    }

    private void schedule(boolean retry) {
        stop();
        long exp = expiresAtSeconds;
        if (refresher == null || exp == 0) {
            return;
        }
        long leftMs = exp * 1000 - System.currentTimeMillis();
        long delayMs;
        if (retry) {
            if (leftMs <= 2000) {
                return;
            }
            delayMs = leftMs / 4;
        } else {
            delayMs = Math.max(0, leftMs - Math.min(MAX_LEAD_MILLIS, leftMs / 2));
        }
        task = loop.schedule(this::refresh, delayMs, TimeUnit.MILLISECONDS);
    }

    private void refresh() {
        task = null;
        if (client.state() != ClientState.CONNECTED) {
            return;
        }
        try {
            refresher.newToken().thenCompose(client::refreshToken).whenComplete((exp, e) -> {
                if (e != null) {
                    loop.execute(() -> schedule(true));
                }
            });
        } catch (RuntimeException e) {
            schedule(true);
        }
    }
}
