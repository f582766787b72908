/**
 * The logic node: where business services meet jgoim. {@link io.jgoim.logic.LogicServer} wires authentication,
 * session routing, the HTTP push API, Kafka publishing, online counts and node lists; {@link io.jgoim.logic.LogicMain}
 * runs it against Redis and Kafka.
 */
package io.jgoim.logic;
