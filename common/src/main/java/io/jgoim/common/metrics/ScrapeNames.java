package io.jgoim.common.metrics;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The metric families a {@code GET /metrics?name[]=...} asks for, as Prometheus' own exporters read that parameter:
 * each value names a family, by its name ({@code jgoim_comet_sessions}) or by one of its series' names
 * ({@code jgoim_comet_pushes_total}, {@code jgoim_job_push_age_seconds_bucket}), so a scraper that only needs a few
 * series (a dashboard probe, a benchmark's per-second sampler) does not pay for the whole exposition (140 families,
 * ~70 KB) each time. No parameter: every family. Immutable; one per request.
 */
final class ScrapeNames {
    /** The query parameter, as Prometheus' exporters name it. */
    static final String PARAM = "name[]";
    /** At most this many names in one request: a longer list is refused (the request line is bounded anyway). */
    static final int MAX_NAMES = 256;
    /** The suffixes a series adds to its family's name in the text format. */
    private static final String[] SERIES_SUFFIXES = {"_total", "_created", "_bucket", "_count", "_sum", "_info"};

    private ScrapeNames() {
    }

    /**
     * The family names {@code requested} selects (each name as given and without a series suffix), or null for
     * every family when none is requested.
     *
     * @throws IllegalArgumentException when more than {@link #MAX_NAMES} are requested, or one is empty
     */
    static Set<String> families(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            return null;
        }
        if (requested.size() > MAX_NAMES) {
            throw new IllegalArgumentException("at most " + MAX_NAMES + " " + PARAM + " parameters, got "
                    + requested.size());
        }
        Set<String> out = new HashSet<>(requested.size() * 3);
        for (String name : requested) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty " + PARAM + " parameter");
            }
            out.add(name);
            for (String suffix : SERIES_SUFFIXES) {
                if (name.endsWith(suffix) && name.length() > suffix.length()) {
                    out.add(name.substring(0, name.length() - suffix.length()));
                }
            }
        }
        return out;
    }
}
