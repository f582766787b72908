/**
 * The composition root and the command line: {@link io.jgoim.server.StandaloneServer} wires comet, logic and job into
 * one JVM over the in-memory twins (the default for one machine), and {@link io.jgoim.server.JgoimMain} is the one
 * entry point of {@code jgoim.jar} ({@code standalone | comet | logic | job | client | token | loadtest}). Nothing here
 * is a library for the other modules; it is the top of the module graph.
 */
package io.jgoim.server;
