package io.jgoim.server.cluster;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One {@link Cluster} and one {@link Fleet} of SDK clients for a whole test class, started before its first test and
 * closed after its last (fleet first), in a temporary directory of their own:
 * {@code @RegisterExtension static final ClusterFixture CLUSTER = new ClusterFixture(Cluster.Options.of(2, 1));}
 */
final class ClusterFixture implements BeforeAllCallback, AfterAllCallback {
    private final Cluster.Options options;
    private Path dir;
    private Cluster cluster;
    private Fleet fleet;

    ClusterFixture(Cluster.Options options) {
        this.options = options;
    }

    Cluster cluster() {
        return cluster;
    }

    Fleet fleet() {
        return fleet;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("jgoim-cluster");
        cluster = Cluster.start(dir, options);
        fleet = new Fleet(1);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (fleet != null) {
            fleet.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
