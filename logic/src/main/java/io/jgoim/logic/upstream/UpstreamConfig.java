package io.jgoim.logic.upstream;

import io.jgoim.common.config.Checks;
import io.jgoim.logic.backend.BackendConfig;

import java.util.List;
import java.util.Locale;

/**
 * {@code upstream.*} in logic's config: the routes (first match by op wins; an op no route names goes to the Kafka
 * upstream topic, today's behaviour), the HTTP client settings every {@code http} route shares, and the built-in
 * comment handler's limits. Immutable; docs/operations.md "Upstream to your backend" describes each kind.
 */
public record UpstreamConfig(List<Route> routes, BackendConfig http, CommentConfig comment) {
    public static final String KAFKA = "kafka";
    public static final String HTTP = "http";
    public static final String COMMENT = "comment";

    public UpstreamConfig {
        routes = routes == null ? List.of() : List.copyOf(routes);
        Checks.notNull(http, "upstream.http");
        Checks.notNull(comment, "upstream.comment");
    }

    /** Whether a route sends ops to the built-in comment handler. */
    public boolean hasComments() {
        return routes.stream().anyMatch(r -> COMMENT.equals(r.kind()));
    }

    /**
     * One route: {@code ops} (e.g. {@code "1000-1999"}, {@code "4,1001"}), {@code kind} (kafka, http, comment) and,
     * for http, the backend's {@code url}.
     */
    public record Route(String ops, String kind, String url) {
        public Route {
            OpSet.parse(ops, "upstream.routes[].ops");
            kind = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
            Checks.check(KAFKA.equals(kind) || HTTP.equals(kind) || COMMENT.equals(kind),
                    "upstream.routes[" + ops + "].kind must be kafka, http or comment, was '" + kind + "'");
            url = url == null ? "" : url.trim();
            if (HTTP.equals(kind)) {
                BackendConfig.url(url, "upstream.routes[" + ops + "].url");
            }
        }

        public OpSet opSet() {
            return OpSet.parse(ops, "upstream.routes[].ops");
        }
    }

    /**
     * The built-in comment handler: {@code maxContentBytes} bounds a comment's content (UTF-8 bytes; keep it at or
     * below job's {@code events.maxContentBytes}, which checks again); in a cluster the comment event is published
     * to {@code topic} (job's {@code events.comment.topic}).
     */
    public record CommentConfig(int maxContentBytes, String topic) {
        public CommentConfig {
            Checks.positive(maxContentBytes, "upstream.comment.maxContentBytes");
            Checks.notBlank(topic, "upstream.comment.topic");
        }
    }
}
