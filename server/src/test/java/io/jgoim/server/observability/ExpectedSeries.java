package io.jgoim.server.observability;

import java.util.List;
import java.util.Set;

/**
 * The series each role exports before any traffic (each a prefix of a line of /metrics: name and labels), the list
 * a dashboard and alerts may rely on. {@link #ZERO}: the counters among them, which must read exactly 0.
 */
final class ExpectedSeries {
    private ExpectedSeries() {
    }

    static final String DELIVERED_ROOM = "jgoim_comet_pushes_delivered_total{kind=\"room\"}";
    static final String DROPS_SLOW = "jgoim_comet_drops_total{reason=\"slow\"}";
    static final String DROPS_RING = "jgoim_comet_drops_total{reason=\"ring_full\"}";
    static final String COMET_AUTH_FAILURES = "jgoim_comet_auth_failures_total ";
    static final String CONNECTS_SHED = "jgoim_comet_connects_shed_total ";
    static final String REFUSED_EXPIRED = "jgoim_logic_auth_refused_total{code=\"TOKEN_EXPIRED\"}";
    static final String REFUSED_UNAUTHORIZED = "jgoim_logic_auth_refused_total{code=\"UNAUTHORIZED\"}";
    static final String CONNECTED = "jgoim_logic_sessions_connected_total ";
    static final String KAFKA_ERRORS = "jgoim_kafka_send_errors_total ";
    static final String NO_TARGET_ROOM = "jgoim_job_push_no_target_total{type=\"room\"}";
    static final String JOB_INTERNAL = "jgoim_job_push_failures_total{code=\"INTERNAL\",comet=\"job\",type=\"room\"}";
    static final String APPEND_TIMEOUTS = "jgoim_job_history_append_failures_total{reason=\"TIMEOUT\"}";
    static final String BUS_FULL = "jgoim_job_bus_rejected_total{reason=\"full\"}";
    static final String TENANT_DELIVERED = "jgoim_comet_tenant_pushes_delivered_total{tenant=\"default\"}";
    static final String TENANT_DELIVERED_OTHER = "jgoim_comet_tenant_pushes_delivered_total{tenant=\"other\"}";
    static final String JOB_TENANT_PUSHES = "jgoim_job_tenant_pushes_total{tenant=\"default\"}";
    static final String JOB_TENANT_DELIVERED = "jgoim_job_tenant_sessions_delivered_total{tenant=\"default\"}";
    static final String LOGIC_TENANT_PUSHES = "jgoim_logic_tenant_pushes_total{tenant=\"default\"}";

    /** The process meters of every node (common/metrics NodeMeters). */
    static final List<String> PROCESS = List.of(
            "jvm_memory_used_bytes{area=\"heap\"", "jvm_memory_committed_bytes{area=\"heap\"",
            "jvm_buffer_memory_used_bytes{id=\"direct\"}", "jvm_threads_live_threads ", "jvm_classes_loaded_classes ",
            "process_cpu_usage ", "system_cpu_usage ", "process_files_open_files ", "process_files_max_files ",
            "process_uptime_seconds ", "jgoim_jvm_gc_collections_total{gc=", "jgoim_jvm_gc_time_seconds_total{gc=",
            "jgoim_netty_allocator_used_bytes{memory=\"direct\"}", "jgoim_netty_direct_memory_used_bytes ",
            "jgoim_netty_direct_memory_max_bytes ");

    static final List<String> COMET = List.of(
            "jgoim_comet_sessions{transport=\"tcp\"}", "jgoim_comet_sessions{transport=\"websocket\"}",
            DELIVERED_ROOM, "jgoim_comet_pushes_delivered_total{kind=\"key\"}",
            "jgoim_comet_pushes_delivered_total{kind=\"broadcast\"}", DROPS_SLOW, DROPS_RING,
            "jgoim_comet_closes_total{reason=", "jgoim_comet_push_latency_seconds_count{kind=\"room\"}",
            "jgoim_comet_push_latency_seconds_count{kind=\"key\"}",
            "jgoim_comet_push_latency_seconds_count{kind=\"mid\"}",
            "jgoim_comet_push_latency_seconds_count{kind=\"broadcast\"}",
            "jgoim_comet_push_latency_seconds_bucket{kind=\"room\",", COMET_AUTH_FAILURES, CONNECTS_SHED,
            "jgoim_comet_connects_pending ", "jgoim_comet_connects_limit ",
            "jgoim_comet_event_loop_pending_tasks{loop=\"0\"}",
            "jgoim_comet_rooms{node=", "jgoim_comet_frames_in_total{op=\"auth\"}",
            "jgoim_comet_tenant_sessions{tenant=\"default\"}", "jgoim_comet_tenant_sessions{tenant=\"other\"}",
            TENANT_DELIVERED, TENANT_DELIVERED_OTHER);

    static final List<String> LOGIC = List.of(
            CONNECTED, "jgoim_logic_sessions_disconnected_total ", REFUSED_EXPIRED, REFUSED_UNAUTHORIZED,
            "jgoim_logic_api_requests_seconds_count{code=\"0\",route=\"/goim/push/room\"}",
            "jgoim_logic_api_requests_seconds_count{code=\"0\",route=\"/goim/push/mids\"}",
            "jgoim_logic_api_requests_seconds_bucket{code=\"0\",route=\"/goim/push/keys\",",
            "jgoim_event_loop_pending_tasks{group=\"logic-http\",loop=\"0\"}",
            "jgoim_logic_http_connections_refused_total ", "jgoim_logic_http_timeouts_total{kind=\"header\"}",
            LOGIC_TENANT_PUSHES);

    /** logic in a cluster: its Kafka producer. */
    static final List<String> LOGIC_KAFKA = List.of(KAFKA_ERRORS, "jgoim_kafka_send_latency_seconds_count ");

    static final List<String> JOB = List.of(
            "jgoim_job_consumer_lag ", "jgoim_job_inflight_records ", NO_TARGET_ROOM,
            "jgoim_job_push_no_target_total{type=\"push\"}", "jgoim_job_push_no_target_total{type=\"broadcast\"}",
            JOB_INTERNAL, APPEND_TIMEOUTS, "jgoim_job_history_append_retries_total ", BUS_FULL,
            "jgoim_job_batch_messages_count ", JOB_TENANT_PUSHES, JOB_TENANT_DELIVERED,
            "jgoim_job_tenant_pushes_total{tenant=\"other\"}");

    /** job in a cluster: the push topic consumed, and its admin event loop. */
    static List<String> jobKafka(String topic) {
        return List.of("jgoim_job_records_consumed_total{topic=\"" + topic + "\"}",
                "jgoim_job_dead_lettered_total{reason=\"undecodable\",topic=\"" + topic + "\"}",
                "jgoim_event_loop_pending_tasks{group=\"job-admin\",loop=\"0\"}");
    }

    /** job's meters of one comet it knows, at zero once the comet is known (before any push to it). */
    static List<String> jobPerComet(String comet) {
        return List.of("jgoim_job_pushes_total{comet=\"" + comet + "\",type=\"room\"}",
                "jgoim_job_comet_calls_total{comet=\"" + comet + "\",type=\"push\"}",
                "jgoim_job_push_failures_total{code=\"UNAVAILABLE\",comet=\"" + comet + "\",type=\"room\"}",
                "jgoim_job_retries_total{comet=\"" + comet + "\"}",
                "jgoim_job_comet_sessions_total{comet=\"" + comet + "\",result=\"dropped\"}");
    }

    /** Counters that read exactly 0 before any traffic. */
    static final Set<String> ZERO = Set.of(DELIVERED_ROOM, DROPS_SLOW, DROPS_RING, COMET_AUTH_FAILURES, CONNECTS_SHED,
            REFUSED_EXPIRED, REFUSED_UNAUTHORIZED, CONNECTED, KAFKA_ERRORS, NO_TARGET_ROOM, JOB_INTERNAL,
            APPEND_TIMEOUTS, BUS_FULL, TENANT_DELIVERED, TENANT_DELIVERED_OTHER, JOB_TENANT_PUSHES,
            JOB_TENANT_DELIVERED, LOGIC_TENANT_PUSHES);
}
