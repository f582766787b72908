package io.jgoim.job;

import java.util.HashMap;
import java.util.Map;

/** Builds job configs for tests through the real loader: embedded defaults plus JGOIM_* overrides. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** Defaults with metrics off and the in-process bus, then {@code overrides} (env name, value, ...). */
    public static JobConfig config(String... overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("JGOIM_METRICS_ENABLED", "false");
        env.put("JGOIM_BUS_MODE", "in-process");
        env.put("JGOIM_DISPATCH_LANES", "4");
        env.put("JGOIM_COMET_ROOMS_REFRESH", "100ms");
        for (int i = 0; i < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return JobConfig.load(null, env);
    }
}
