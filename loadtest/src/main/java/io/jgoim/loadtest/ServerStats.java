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
 */
public record ServerStats(long pid, long rssBeforeKb, long rssHeldKb, long rssPeakKb, double cpuSeconds,
                          double cpuPercent, long bytesPerSession) {
    public static final ServerStats NONE = new ServerStats(0, -1, -1, -1, -1, -1, -1);
}
