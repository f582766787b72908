package io.jgoim.logic;

/**
 * The live-comments demo page under {@code /demo/} on this listener (static files from the jar, no API key):
 * off by default, on in standalone.
 */
public record DemoConfig(boolean enabled) {
}
