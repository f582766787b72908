package io.jgoim.job.dispatch;

import com.google.protobuf.Message;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.comet.Comet;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A lane's {@link CometLink}s, one per comet it has sent to, created on first use; links of comets that left the
 * cluster are forgotten once idle (checked only when the map grows past 64, so a steady cluster never pays for it).
 * Lane thread only.
 */
final class CometLinks {
    private static final int PRUNE_ABOVE = 64;

    private final Lane lane;
    private final CallPolicy policy;
    private final JobMetrics metrics;
    private final Map<Comet, CometLink> links = new HashMap<>();

    CometLinks(Lane lane, CallPolicy policy, JobMetrics metrics) {
        this.lane = lane;
        this.policy = policy;
        this.metrics = metrics;
    }

    /** Queues {@code request}, carrying {@code tasks}, behind the earlier sends to {@code comet}. */
    void send(Comet comet, Send.Kind kind, Message request, List<PushTask> tasks) {
        CometLink l = link(comet);
        l.enqueue(new Send(l, kind, request, tasks));
    }

    private CometLink link(Comet c) {
        CometLink l = links.get(c);
        if (l == null) {
            if (links.size() > PRUNE_ABOVE) {
                links.values().removeIf(CometLink::isRetired);
            }
            l = new CometLink(lane, c, policy, metrics);
            links.put(c, l);
        }
        return l;
    }
}
