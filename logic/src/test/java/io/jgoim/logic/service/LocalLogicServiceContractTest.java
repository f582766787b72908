package io.jgoim.logic.service;

import io.jgoim.protocol.rpc.LogicService;

/** The direct twin: comet calling logic's service in the same JVM (standalone). */
class LocalLogicServiceContractTest extends LogicServiceContract {
    @Override
    LogicService open(LogicService local) {
        return local;
    }

    @Override
    void close() {
        // nothing between the caller and the service
    }
}
