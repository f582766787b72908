/** Typed node configuration: embedded YAML defaults, the operator's file, env overrides, validation naming keys. */
package io.jgoim.common.config;
