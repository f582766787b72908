package io.jgoim.loadtest;

/**
 * What the server process cost during a run, read from /proc. Immutable; {@link #NONE} when no pid was given.
 *
 * @param pid              the server's pid, 0 when not measured
 * @param rssBeforeKb      RSS before the first session connected
 * @param rssHeldKb        RSS while all sessions were held (one second into the hold)
 * @param rssPeakKb        the highest RSS seen
 * @param cpuSeconds       CPU time (user + system) the server used during the run
 * @param cpuPercent       average CPU during the run, 100 = one core
 * @param bytesPerSession  (rssHeld - rssBefore) / sessions held, in bytes
 * @param heapBeforeKb     live heap (after a full GC, through jcmd) before the first session, -1 if not measured
 * @param heapHeldKb       live heap while all sessions were held, -1 if not measured
 * @param heapBytesPerSession (heapHeld - heapBefore) / sessions held, in bytes, -1 if not measured
 */
public record ServerStats(long pid, long rssBeforeKb, long rssHeldKb, long rssPeakKb, double cpuSeconds,
                          double cpuPercent, long bytesPerSession, long heapBeforeKb, long heapHeldKb,
                          long heapBytesPerSession) {
    public static final ServerStats NONE = new ServerStats(0, -1, -1, -1, -1, -1, -1, -1, -1, -1);

    /** These stats with the per-session figures computed over {@code held} sessions. */
    public ServerStats perSession(long held) {
        if (pid <= 0 || held <= 0) {
            return this;
        }
        long rss = rssHeldKb >= 0 && rssBeforeKb >= 0 ? (rssHeldKb - rssBeforeKb) * 1024 / held : -1;
        long heap = heapHeldKb >= 0 && heapBeforeKb >= 0 ? (heapHeldKb - heapBeforeKb) * 1024 / held : -1;
        return new ServerStats(pid, rssBeforeKb, rssHeldKb, rssPeakKb, cpuSeconds, cpuPercent, rss, heapBeforeKb,
                heapHeldKb, heap);
    }
}
