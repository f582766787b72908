package io.jgoim.loadtest;

import io.jgoim.client.ClientState;
import io.jgoim.client.GoimToken;
import io.jgoim.client.JgoimClient;
import io.jgoim.loadtest.metrics.RunMetrics;
import io.jgoim.protocol.ErrorCode;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code resume-storm} scenario (issue 13): N position-aware sessions of one room receive a few seed messages,
 * lose their link together ({@link ConnectionCut}: the SDK's own reconnect follows, same client, same positions),
 * miss M messages published meanwhile, and reconnect spread over a window (session k after
 * {@link ResumeStormOptions#reconnectDelay}: its backoff is set to exactly that). Each reconnect sends the client's
 * last positions and the comet replays what it missed; the question is what that costs the store when thousands do
 * it at once (one read per room per comet, if the comet's single flight and recent messages work) and how long the
 * clients wait.
 *
 * <p>Counts: {@code sessions.subscribed}, {@code sessions.cut}, {@code resume.reconnected},
 * {@code resume.recovered} (the auth reply said recovered and every missed message arrived),
 * {@code resume.incomplete} (said recovered, some never came), {@code resume.notRecovered.<CODE>} (the state's error
 * code, {@code NO_STATE} when the reply carried none for the room, {@code NOT_ASKED} when the client sent no
 * position), {@code resume.notReconnected}, {@code resume.closed} (the SDK gave up), {@code resume.retried} (needed
 * more than one reconnect, e.g. after RESUME 4013); {@code messages.missed.expected} (cut x M),
 * {@code messages.missed.received}, {@code messages.duplicates} (dropped by the SDK by offset, or repeated payloads),
 * {@code messages.gaps} (offsets skipped), {@code messages.outOfOrder}, {@code messages.epochChanges},
 * {@code messages.sequenceSkips} (missed messages that never came, by payload sequence),
 * {@code messages.beforeReconnect} (arrived on a connection that was cut: the cut failed); and, read from the
 * server's Prometheus page before the cut and after the recoveries, {@code history.store}, {@code history.cache},
 * {@code history.joined}. Histograms: {@code recover} (from a session's first reconnect attempt to its last missed
 * message), {@code reconnect} (from that attempt to the auth reply), {@code push}, {@code connect}, {@code auth},
 * {@code ready} (microseconds).
 */
public final class ResumeStormScenario {
    public static final String NAME = "resume-storm";
    /** Payload publisher ids: the seed messages and the missed ones. */
    static final int SEED_PUBLISHER = 2;
    static final int MISSED_PUBLISHER = 3;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration CUT_BOUND = Duration.ofSeconds(15);

    private ResumeStormScenario() {
    }

    public static ScenarioResult run(ResumeStormOptions options) {
        return run(options, Coordinator.NONE);
    }

    /**
     * Runs stand-alone (publishing and reading the server's metrics itself), or as a worker ({@code publish} false)
     * whose parent publishes: phases SUBSCRIBED, SEEDED (then the parent's GO cuts), CUT.
     */
    public static ScenarioResult run(ResumeStormOptions o, Coordinator coordinator) {
        FleetWarmUp.warmUp(o.sessions());
        RunMetrics metrics = new RunMetrics(List.of("recover", "reconnect", "push", "ready", "connect", "auth"),
                List.of("messages.sent"), o.push().serverPid());
        List<StormSession> sessions = new ArrayList<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        Recorder recover = metrics.recorder("recover");
        Recorder reconnect = metrics.recorder("reconnect");
        long held;
        try (SessionFleet fleet = new SessionFleet(o.sessions(), metrics, null, tuning(o))) {
            fleet.open(index -> {
                StormSession s = new StormSession(o.sessions().room(), SEED_PUBLISHER, MISSED_PUBLISHER,
                        o.missedMessages(), recover, reconnect);
                sessions.add(s);
                return s;
            });
            counts.put("sessions.subscribed", fleet.open());
            metrics.markServerHeld();
            coordinator.phase("SUBSCRIBED");
            if (o.publish()) {
                publishSeed(o, metrics);
            }
            awaitSeeded(sessions, o, metrics);
            coordinator.phase("SEEDED");
            Map<String, Double> before = o.publish() ? scrape(o, metrics) : null;
            coordinator.awaitGo(Duration.ofMinutes(5));
            sessions.forEach(StormSession::markCut);
            long cutAt = System.nanoTime();
            int cut = fleet.cut();
            counts.put("sessions.cut", (long) cut);
            awaitCut(fleet, metrics);
            coordinator.phase("CUT");
            if (o.publish()) {
                publishMissed(o, metrics, cutAt);
            }
            awaitDone(sessions, cutAt + o.recoveryBound().toNanos());
            if (before != null) {
                Map<String, Double> after = scrape(o, metrics);
                if (after != null) {
                    counts.putAll(historyCounts(HistoryReadsScrape.delta(before, after)));
                }
            }
            held = fleet.open();
        }
        // The event loops have terminated: the sessions' plain fields are safe to read here.
        counts.put("sessions.held", held);
        counts.putAll(tally(sessions, o.missedMessages(), counts.get("sessions.cut")));
        return metrics.result(NAME, parameters(o), counts);
    }

    /**
     * Reconnects on with a backoff of exactly {@link ResumeStormOptions#reconnectDelay} (min = max: no jitter), and
     * member id 0 unless member streams are asked for.
     */
    static SessionFleet.Tuning tuning(ResumeStormOptions o) {
        return (index, b) -> {
            Duration d = o.reconnectDelay(index);
            b.reconnect(true).backoff(d, d);
            if (!o.memberStreams()) {
                b.token(GoimToken.json(0, "", o.sessions().room(), "loadtest"));
            }
        };
    }

    /** Publishes the seed messages (unmeasured); a refusal is a failure of the run. */
    static void publishSeed(ResumeStormOptions o, RunMetrics metrics) {
        try (RunMetrics throwaway = new RunMetrics(List.of("push"), List.of(), 0)) {
            long accepted = new OpenLoopPublisher(messages(o, SEED_PUBLISHER, o.seedMessages()), throwaway).run();
            if (accepted != o.seedMessages()) {
                metrics.fail("seed: " + accepted + " of " + o.seedMessages() + " messages accepted");
            }
        }
    }

    /**
     * Publishes the missed messages (measured: {@code messages.sent}, {@code messages.accepted}, {@code push}) and
     * checks that they were all accepted before the first reconnect was due ({@code cutAt} + away): the server has
     * them in history when the clients come back (a message of the room is appended before any comet gets it).
     */
    static void publishMissed(ResumeStormOptions o, RunMetrics metrics, long cutAt) {
        long accepted = new OpenLoopPublisher(messages(o, MISSED_PUBLISHER, o.missedMessages()), metrics).run();
        long took = System.nanoTime() - cutAt;
        if (accepted != o.missedMessages()) {
            metrics.fail("missed: " + accepted + " of " + o.missedMessages() + " messages accepted");
        }
        if (took > o.away().toNanos()) {
            metrics.fail("missed messages published " + Duration.ofNanos(took).toMillis() + " ms after the cut, "
                    + "after the first reconnect (away " + o.away().toMillis() + " ms): raise --away or --rate");
        }
    }

    /** Exactly {@code count} messages at the push's rate from {@code publisher}, on one connection (in order). */
    private static PushOptions messages(ResumeStormOptions o, int publisher, int count) {
        PushOptions p = o.push();
        // message i is due at i / rate; a duration of (count - 1/2) / rate holds exactly count of them
        Duration d = Duration.ofNanos(Math.max(1, (long) ((count - 0.5) * 1e9 / p.rate())));
        return new PushOptions(p.httpBase(), PushTarget.ROOM, p.roomType(), p.roomId(), List.of(), List.of(),
                p.operation(), p.rate(), d, p.payloadSize(), p.maxInFlight(), publisher, 0, 1);
    }

    private static void awaitSeeded(List<StormSession> sessions, ResumeStormOptions o, RunMetrics metrics) {
        long end = System.nanoTime() + o.grace().toNanos();
        long missing = 0;
        while (System.nanoTime() < end) {
            missing = sessions.stream().filter(s -> s.seeded() < o.seedMessages()).count();
            if (missing == 0) {
                return;
            }
            ConnectScenario.sleepNanos(POLL_NANOS);
        }
        metrics.fail("seed: " + missing + " sessions without all " + o.seedMessages() + " seed messages");
    }

    /** Until no cut client is still connected (each has seen its connection end), at most {@link #CUT_BOUND}. */
    private static void awaitCut(SessionFleet fleet, RunMetrics metrics) {
        long end = System.nanoTime() + CUT_BOUND.toNanos();
        long connected = 0;
        while (System.nanoTime() < end) {
            connected = fleet.clients().stream().filter(c -> c != null && c.state() == ClientState.CONNECTED)
                    .count();
            if (connected == 0) {
                return;
            }
            ConnectScenario.sleepNanos(POLL_NANOS);
        }
        metrics.fail("cut: " + connected + " sessions still connected after " + CUT_BOUND.toSeconds() + " s");
    }

    private static void awaitDone(List<StormSession> sessions, long deadline) {
        while (System.nanoTime() < deadline) {
            if (sessions.stream().allMatch(StormSession::done)) {
                return;
            }
            ConnectScenario.sleepNanos(POLL_NANOS);
        }
    }

    /** The server's history reads now, or null (a failure) when its page cannot be read or has none. */
    static Map<String, Double> scrape(ResumeStormOptions o, RunMetrics metrics) {
        if (o.metrics() == null) {
            return null;
        }
        try {
            Map<String, Double> m = HistoryReadsScrape.read(o.metrics());
            if (m.isEmpty()) {
                metrics.fail("metrics: no " + HistoryReadsScrape.METRIC + " at " + o.metrics());
                return null;
            }
            return m;
        } catch (IOException e) {
            metrics.fail("metrics: " + e.getMessage());
            return null;
        }
    }

    static Map<String, Long> historyCounts(Map<String, Long> delta) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String source : List.of("store", "cache", "joined")) {
            out.put("history." + source, delta.getOrDefault(source, 0L));
        }
        return out;
    }

    /** The per-session outcomes summed (see the class comment for the names). */
    static Map<String, Long> tally(List<StormSession> sessions, int missed, long cut) {
        Map<String, Long> c = new TreeMap<>();
        for (String k : List.of("resume.reconnected", "resume.recovered", "resume.incomplete",
                "resume.notReconnected", "resume.closed", "resume.retried", "messages.missed.received",
                "messages.duplicates", "messages.gaps", "messages.outOfOrder", "messages.epochChanges",
                "messages.sequenceSkips", "messages.beforeReconnect", "messages.foreign")) {
            c.put(k, 0L);
        }
        c.put("messages.missed.expected", cut * missed);
        for (StormSession s : sessions) {
            add(c, "messages.missed.received", s.missedReceived());
            add(c, "messages.duplicates", s.duplicates());
            add(c, "messages.gaps", s.gaps());
            add(c, "messages.outOfOrder", s.outOfOrder());
            add(c, "messages.epochChanges", s.epochChanges());
            add(c, "messages.sequenceSkips", s.sequenceSkips());
            add(c, "messages.beforeReconnect", s.beforeReconnect());
            add(c, "messages.foreign", s.foreign());
            if (s.closedForGood()) {
                add(c, "resume.closed", 1);
            }
            if (s.reconnects() > 1) {
                add(c, "resume.retried", 1);
            }
            if (!s.reconnected()) {
                add(c, "resume.notReconnected", 1);
                continue;
            }
            add(c, "resume.reconnected", 1);
            int code = s.stateCode();
            if (code == 0) {
                add(c, s.complete() ? "resume.recovered" : "resume.incomplete", 1);
            } else {
                add(c, "resume.notRecovered." + codeName(code), 1);
            }
        }
        return c;
    }

    private static String codeName(int code) {
        if (code == StormSession.NO_STATE) {
            return "NO_STATE";
        }
        if (code == StormSession.NOT_ASKED) {
            return "NOT_ASKED";
        }
        ErrorCode e = ErrorCode.of(code);
        return e == ErrorCode.UNKNOWN ? Integer.toString(code) : e.name();
    }

    private static void add(Map<String, Long> c, String key, long n) {
        c.merge(key, n, Long::sum);
    }

    static Map<String, Object> parameters(ResumeStormOptions o) {
        Map<String, Object> p = ConnectScenario.sessionParameters(o.sessions());
        p.putAll(PushScenario.parameters(o.push()));
        p.remove("duration");
        p.put("seedMessages", o.seedMessages());
        p.put("missedMessages", o.missedMessages());
        p.put("away", o.away().toString());
        p.put("window", o.window().toString());
        p.put("totalSessions", o.totalSessions());
        p.put("memberStreams", o.memberStreams());
        p.put("grace", o.grace().toString());
        p.put("metrics", o.metrics() == null ? "" : o.metrics().toString());
        return p;
    }
}
