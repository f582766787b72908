package io.jgoim.job.comet;

import io.jgoim.job.JobConfig;
import io.jgoim.protocol.rpc.CometService;

/**
 * The standalone directory: server id → a {@link CometService} called directly in the same JVM (for example
 * {@code cometServer.pushService()}). Comets are added and removed by the owner; thread-safe.
 */
public final class DirectCometDirectory extends AbstractCometDirectory {
    public DirectCometDirectory(JobConfig.CometConfig config, JobConfig.RetryConfig retry) {
        super(config, retry);
    }

    /** Direct calls: room pushes are not filtered by the rooms a comet reported. */
    @Override
    public boolean isRemote() {
        return false;
    }

    /** Adds (or replaces) the comet {@code serverId}. */
    public DirectCometDirectory add(String serverId, CometService service) {
        put(serverId, service);
        return this;
    }

    /** Removes the comet {@code serverId}; sends queued for it are given up. */
    public void removeComet(String serverId) {
        remove(serverId);
    }
}
