package io.jgoim.common.session;

import java.time.Duration;

class InMemorySessionDirectoryTest extends SessionDirectoryContract {
    @Override
    SessionDirectory directory(Duration ttl) {
        return new InMemorySessionDirectory(ttl);
    }
}
