package io.jgoim.comet.transport;

import io.jgoim.comet.CometServer;
import io.jgoim.protocol.CloseCode;
import io.jgoim.testkit.LeakCheck;
import io.jgoim.testkit.StderrLog;
import io.micrometer.core.instrument.Gauge;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * What the comet fuzzers ({@link ProtocolFuzzIT}, {@link UpgradeFuzzIT}) check once a batch's connections are gone:
 * the comet's session accounting is back to its bystanders alone (sessions, per-transport gauges, pending connects
 * and disconnects, per-address slots of the addresses named, bans, rooms), nothing closed with INTERNAL, nothing
 * logged at ERROR or with a stack trace ({@link StderrLog}), no buffer leaked, and the TCP bystander served. Each
 * break named with the batch, a log line also with the case whose connection it names. One per fuzzer class.
 */
final class FuzzBatchCheck {
    /** How Netty names a channel's client in a log line. */
    private static final Pattern REMOTE = Pattern.compile("R:/127\\.0\\.0\\.[12]:(\\d+)");

    private final HostileComet hostile;
    private final StderrLog log;
    private final Map<String, Integer> connections;
    private final String expected;

    /**
     * @param wsSessions  the WebSocket bystanders (the TCP one is always there)
     * @param connections the per-address connection count due for each address checked
     * @param rooms       the session count due in each room
     */
    FuzzBatchCheck(HostileComet hostile, StderrLog log, int wsSessions, Map<String, Integer> connections,
                   Map<String, Integer> rooms) {
        this.hostile = hostile;
        this.log = log;
        this.connections = new LinkedHashMap<>(connections);
        this.expected = line(1 + wsSessions, 1 + wsSessions, 1, wsSessions, 0, 0, connections, 0, rooms);
    }

    /** What must hold once a batch's connections are gone; {@code casesByPort}: which case used a client port. */
    List<String> afterBatch(String name, int mark, Map<Integer, Integer> casesByPort) {
        List<String> failures = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> state().equals(expected));
        } catch (ConditionTimeoutException e) {
            failures.add(name + ": the comet did not return to the bystanders alone: " + state() + ", due "
                    + expected);
        }
        if (hostile.closes(CloseCode.INTERNAL) > 0) {
            failures.add(name + ": sessions closed with INTERNAL: " + hostile.closes(CloseCode.INTERNAL));
        }
        for (String p : log.problems(mark)) {
            Matcher m = REMOTE.matcher(p);
            Integer index = m.find() ? casesByPort.get(Integer.parseInt(m.group(1))) : null;
            failures.add(name + (index == null ? "" : ", case " + index) + ": logged " + p);
        }
        String leaks = LeakCheck.collect();
        if (!leaks.isEmpty()) {
            failures.add(name + ": leaked buffers:\n" + leaks);
        }
        try {
            hostile.assertBystanderServed();
        } catch (Exception | AssertionError e) {
            failures.add(name + ": the bystander was not served: " + e);
        }
        return failures;
    }

    /** The comet's session accounting, as one comparable line. */
    String state() {
        CometServer c = hostile.comet();
        Map<String, Integer> now = new LinkedHashMap<>();
        connections.keySet().forEach(a -> now.put(a, c.limits().bans().connections(a)));
        return line(c.sessionCount(), c.index().sessionCount(), gauge("jgoim_comet_sessions", "tcp"),
                gauge("jgoim_comet_sessions", "websocket"), c.connectsPending(),
                gauge("jgoim.comet.disconnects.pending", null), now, c.limits().bans().count(), c.index().roomCounts());
    }

    private static String line(long sessions, long indexed, long tcp, long ws, long connects, long disconnects,
                               Map<String, Integer> connections, long bans, Map<String, Integer> rooms) {
        StringBuilder b = new StringBuilder("sessions " + sessions + "/" + indexed + ", tcp " + tcp + ", ws " + ws
                + ", connects pending " + connects + ", disconnects pending " + disconnects);
        connections.forEach((a, n) -> b.append(", connections from ").append(a).append(' ').append(n));
        return b.append(", bans ").append(bans).append(", rooms ").append(new TreeMap<>(rooms)).toString();
    }

    private long gauge(String name, String transport) {
        var search = hostile.comet().metrics().registry().find(name);
        Gauge g = (transport == null ? search : search.tag("transport", transport)).gauge();
        return g == null ? -1 : Math.round(g.value());
    }

    /** {@code -Djgoim.fuzz.seed}: a number, or {@code random} for a new one. */
    static long seed(String property) {
        return "random".equals(property) ? ThreadLocalRandom.current().nextLong() : Long.parseLong(property);
    }
}
