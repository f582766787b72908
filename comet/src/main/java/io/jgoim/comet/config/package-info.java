/**
 * The comet's configuration: one record tree loaded from YAML or TOML with {@code JGOIM_*} env overrides and
 * validated at load. The bottom layer: every other comet package may read it, it imports none of them.
 */
package io.jgoim.comet.config;
