/**
 * The logic node: where business services meet jgoim. {@link io.jgoim.logic.LogicServer} wires authentication,
 * session routing, the HTTP push API, Kafka publishing, online counts and node lists; {@link io.jgoim.logic.LogicMain}
 * runs it against Redis and Kafka. {@link io.jgoim.logic.LogicConfig} is the node's configuration; each of its sections
 * ({@link io.jgoim.logic.HttpConfig}, {@link io.jgoim.logic.AuthConfig}, ...) is a record of its own here.
 */
package io.jgoim.logic;
