package io.jgoim.common.registry;

class InMemoryNodeRegistryTest extends NodeRegistryContract {
    @Override
    NodeRegistry registry() {
        return new InMemoryNodeRegistry();
    }

    /** Standalone: job calls its comets directly and reports no views. */
    @Override
    boolean keepsViews() {
        return false;
    }
}
