package io.jgoim.comet.push;

import io.jgoim.protocol.rpc.CometService;

/** The contract on the direct twin: job calling {@link CometPushService} in-process (standalone). */
class DirectCometServiceTest extends CometServiceContract {
    @Override
    protected CometService twin(CometPushService direct) {
        return direct;
    }
}
