package io.jgoim.common.registry;

class InMemoryNodeRegistryTest extends NodeRegistryContract {
    @Override
    NodeRegistry registry() {
        return new InMemoryNodeRegistry();
    }
}
