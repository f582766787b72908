/**
 * How logic's cluster admin routes reach the comets: {@link io.jgoim.logic.admin.CometControls} finds a comet's
 * {@code CometAdmin} service by node id, over gRPC from the node registry in a cluster
 * ({@link io.jgoim.logic.admin.RegistryCometControls}) or in-process in standalone. The routes themselves are in
 * {@code io.jgoim.logic.http}; nothing here is on a push path.
 */
package io.jgoim.logic.admin;
