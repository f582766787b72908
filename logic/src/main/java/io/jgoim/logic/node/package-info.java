/**
 * The node list for clients: comets register in the node registry; logic ranks the live ones by weight, load and
 * region and returns them with heartbeat and reconnect backoff advice (/goim/nodes/weighted and the Nodes RPC).
 */
package io.jgoim.logic.node;
