/**
 * The node list for clients (comets register in the node registry; logic ranks the live ones by weight, load and
 * region and returns them with heartbeat and reconnect backoff advice: /goim/nodes/weighted and the Nodes RPC), and
 * this logic node's own entry in the logic-node registry comets balance their calls over.
 */
package io.jgoim.logic.node;
