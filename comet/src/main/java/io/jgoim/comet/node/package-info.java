/**
 * The node's life in the cluster and its edges: the client listeners ({@link io.jgoim.comet.node.Listeners}) and the
 * gRPC one ({@link io.jgoim.comet.node.RpcListener}), the drain that moves clients to other comets at runtime or at
 * the close ({@link io.jgoim.comet.node.CometDrain}, with the batched {@link io.jgoim.comet.node.SessionDrain} and the
 * goodbyes' node hints from {@link io.jgoim.comet.node.HintPicker}), the room counts reported to logic's
 * RenewOnline (whose cluster counts feed heartbeat replies, and whose store epoch tells when logic's session store
 * lost its routes, which {@link io.jgoim.comet.node.RouteReannouncer} then announces again) and the entry in the node
 * registry (cluster mode). Just below {@link io.jgoim.comet.CometServer}, which wires them; above transport and the index.
 */
package io.jgoim.comet.node;
