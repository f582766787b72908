/**
 * The comet's configuration: one record tree loaded from YAML or TOML with {@code JGOIM_*} env overrides and
 * validated at load, plus the parsed values the records validate with ({@link io.jgoim.comet.config.OriginAllowList}).
 * The bottom layer: every other comet package may read it, it imports none of them.
 */
package io.jgoim.comet.config;
