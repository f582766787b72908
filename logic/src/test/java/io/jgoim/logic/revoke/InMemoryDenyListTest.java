package io.jgoim.logic.revoke;

/** The standalone deny list held to the contract. */
class InMemoryDenyListTest extends DenyListContract {
    @Override
    DenyList denyList() {
        return new InMemoryDenyList(clock);
    }
}
