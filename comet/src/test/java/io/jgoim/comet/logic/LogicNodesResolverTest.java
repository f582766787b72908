package io.jgoim.comet.logic;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogicNodesResolverTest {

    /** What the resolver told the channel: each result's addresses as host:port, and the errors. */
    private static final class Recorder extends NameResolver.Listener2 {
        final List<List<String>> results = new ArrayList<>();
        final List<Status> errors = new ArrayList<>();

        @Override
        public void onResult(NameResolver.ResolutionResult result) {
            List<String> out = new ArrayList<>();
            for (EquivalentAddressGroup g : result.getAddresses()) {
                InetSocketAddress a = (InetSocketAddress) g.getAddresses().get(0);
                out.add(a.getHostString() + ":" + a.getPort());
            }
            results.add(out);
        }

        @Override
        public void onError(Status error) {
            errors.add(error);
        }
    }

    private static LogicNodesResolver over(AtomicReference<List<String>> registry) {
        return new LogicNodesResolver("logic", () -> CompletableFuture.completedFuture(registry.get()), null);
    }

    @Test
    void aMalformedEntryIsLeftOutAndTheValidOnesStillArrive() {
        AtomicReference<List<String>> registry = new AtomicReference<>(List.of("127.0.0.1:7119"));
        Recorder rec = new Recorder();
        LogicNodesResolver r = over(registry);
        r.start(rec);
        assertEquals(List.of(List.of("127.0.0.1:7119")), rec.results);

        // a garbage entry beside a new valid node: the new node is still learned (it used to stop every update)
        registry.set(List.of("127.0.0.1:7119", "no-port", "127.0.0.2:7119", "127.0.0.3:x", "127.0.0.4:70000",
                ":7119", "127.0.0.5:", "::1:7119"));
        r.refresh();
        assertEquals(List.of("127.0.0.1:7119", "127.0.0.2:7119"), rec.results.get(1));

        // the same read again changes nothing; a later valid change still arrives
        r.refresh();
        assertEquals(2, rec.results.size());
        registry.set(List.of("127.0.0.2:7119", "[::1]:7119", "no-port"));
        r.refresh();
        assertEquals(List.of("127.0.0.2:7119", "0:0:0:0:0:0:0:1:7119"), rec.results.get(2));
        assertTrue(rec.errors.isEmpty(), rec.errors.toString());
        r.shutdown();
    }

    @Test
    void onlyMalformedEntriesCountAsNoneAndKeepTheLastKnown() {
        AtomicReference<List<String>> registry = new AtomicReference<>(List.of("bad"));
        Recorder rec = new Recorder();
        LogicNodesResolver r = over(registry);
        r.start(rec);
        assertTrue(rec.results.isEmpty());
        assertEquals(1, rec.errors.size());
        assertEquals(Status.Code.UNAVAILABLE, rec.errors.get(0).getCode());

        registry.set(List.of("127.0.0.1:7119"));
        r.refresh();
        registry.set(List.of("bad", "worse:"));
        r.refresh();
        assertEquals(List.of(List.of("127.0.0.1:7119")), rec.results);
        assertEquals(1, rec.errors.size(), "the last known node is kept, no error");
        r.shutdown();
    }

    @Test
    void addressParsing() {
        assertNotNull(LogicNodesResolver.address("10.0.0.1:1"));
        assertNotNull(LogicNodesResolver.address("[fe80::1]:65535"));
        assertNull(LogicNodesResolver.address(null));
        assertNull(LogicNodesResolver.address("10.0.0.1:0"));
        assertNull(LogicNodesResolver.address("10.0.0.1:+80"));
        assertNull(LogicNodesResolver.address("10.0.0.1:0000080"));
        assertNull(LogicNodesResolver.address("fe80::1:80"));
    }
}
