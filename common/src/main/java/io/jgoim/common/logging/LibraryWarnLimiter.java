package io.jgoim.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Keeps the libraries' repeated WARN lines from flooding a node's log while a peer is away: Kafka's client warns of
 * each failed connection to a broker (3–6 lines a second per node for as long as the broker is down), gRPC of each
 * failed resolution (2 a second while no logic node is registered). At most one WARN line per {@code intervalMillis}
 * (10 s) passes for each logger and message shape (the message's first 80 characters before its arguments); the next
 * line to pass is preceded by how many were left out. Only WARN of loggers under {@code prefixes} (the libraries);
 * ERROR, other levels and jgoim's own loggers pass untouched (jgoim limits its own repeated lines where it writes them).
 * Installed by the jar's logback.xml. Thread-safe; a decision is a map lookup for a library WARN, two comparisons
 * otherwise (every disabled log call passes through a turbo filter).
 */
public final class LibraryWarnLimiter extends TurboFilter {
    /** Shapes tracked at most; past it the table starts over (a flood of distinct lines is let through, not kept). */
    static final int MAX_SHAPES = 4096;
    private static final int SHAPE_CHARS = 80;
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(LibraryWarnLimiter.class);

    private static final class Window {
        long nextMillis;
        int suppressed;
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private String[] prefixes = {"org.apache.kafka.", "kafka.", "io.grpc.", "io.lettuce.", "io.netty.", "reactor."};
    private long intervalMillis = 10_000;

    public LibraryWarnLimiter() {
        this(System::currentTimeMillis);
    }

    LibraryWarnLimiter(LongSupplier clock) {
        this.clock = clock;
    }

    /** logback.xml: {@code <intervalMillis>10000</intervalMillis>}. */
    public void setIntervalMillis(long intervalMillis) {
        this.intervalMillis = Math.max(1, intervalMillis);
    }

    /** logback.xml: comma-separated logger name prefixes. */
    public void setPrefixes(String list) {
        this.prefixes = list.split("\\s*,\\s*");
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (level == null || level.levelInt != Level.WARN_INT || !isLibrary(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        String shape = format == null ? "" : format.length() > SHAPE_CHARS ? format.substring(0, SHAPE_CHARS) : format;
        String key = logger.getName() + '|' + shape;
        if (windows.size() >= MAX_SHAPES && !windows.containsKey(key)) {
            windows.clear();
        }
        Window w = windows.computeIfAbsent(key, k -> new Window());
        long now = clock.getAsLong();
        int left;
        synchronized (w) {
            if (now - w.nextMillis < 0) {
                w.suppressed++;
                return FilterReply.DENY;
            }
            w.nextMillis = now + intervalMillis;
            left = w.suppressed;
            w.suppressed = 0;
        }
        if (left > 0) {
            log.warn("{} more WARN lines of {} like the next were left out in the last {} s", left, logger.getName(),
                    intervalMillis / 1000);
        }
        return FilterReply.NEUTRAL;
    }

    private boolean isLibrary(String name) {
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
