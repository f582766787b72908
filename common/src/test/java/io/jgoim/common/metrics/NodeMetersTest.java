package io.jgoim.common.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The process meters every node binds: present at once, bound once per registry, released by the last share. */
class NodeMetersTest {
    /** Series a dashboard of any node reads, before any traffic and before the first GC. */
    static final String[] PROCESS_SERIES = {
        "jvm_memory_used_bytes{area=\"heap\"", "jvm_memory_max_bytes{area=\"heap\"",
        "jvm_buffer_memory_used_bytes{id=\"direct\"}", "jvm_threads_live_threads", "jvm_threads_states_threads{",
        "jvm_classes_loaded_classes", "process_cpu_usage", "system_cpu_usage", "system_cpu_count",
        "process_files_open_files", "process_files_max_files", "process_uptime_seconds",
        "jgoim_jvm_gc_collections_total{gc=", "jgoim_jvm_gc_time_seconds_total{gc=",
        "jgoim_netty_allocator_used_bytes{memory=\"direct\"}", "jgoim_netty_allocator_used_bytes{memory=\"heap\"}",
        "jgoim_netty_direct_memory_used_bytes", "jgoim_netty_direct_memory_max_bytes",
    };

    @Test
    void shouldExportEveryProcessSeriesAsSoonAsBound() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (NodeMeters.Share share = NodeMeters.bind(registry)) {
            String scrape = registry.scrape();
            for (String series : PROCESS_SERIES) {
                assertThat(scrape).as(series).contains(series);
            }
            assertThat(registry.get("process.files.max").gauge().value()).isPositive();
            assertThat(registry.get("jgoim.netty.direct.memory.max").gauge().value()).isPositive();
        }
    }

    @Test
    void shouldBindOncePerRegistryAndUnbindWithTheLastShare() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NodeMeters.Share comet = NodeMeters.bind(registry);
        int meters = registry.getMeters().size();
        NodeMeters.Share logic = NodeMeters.bind(registry);
        assertThat(registry.getMeters()).hasSize(meters);
        assertThat(NodeMeters.shares(registry)).isEqualTo(2);

        comet.close();
        comet.close(); // idempotent: one share released once
        assertThat(NodeMeters.shares(registry)).isEqualTo(1);
        logic.close();
        assertThat(NodeMeters.shares(registry)).isZero();
        // another registry is bound on its own
        PrometheusMeterRegistry other = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (NodeMeters.Share s = NodeMeters.bind(other)) {
            assertThat(NodeMeters.shares(other)).isEqualTo(1);
            assertThat(NodeMeters.shares(registry)).isZero();
        }
    }

    @Test
    void shouldGaugeEachEventLoopOfAGroupByIndex() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(3, NioIoHandler.newFactory());
        try {
            EventLoopMeters.bind(registry, "test", group);
            String scrape = registry.scrape();
            for (int i = 0; i < 3; i++) {
                assertThat(scrape).contains("jgoim_event_loop_pending_tasks{group=\"test\",loop=\"" + i + "\"}");
            }
            assertThat(scrape).doesNotContain("loop=\"3\"");
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }
}
