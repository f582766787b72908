/**
 * Operator actions on this comet: kick sessions with KICKED (4502), list a member's sessions, page a room's members,
 * change the registry weight, start the drain ({@link io.jgoim.comet.admin.CometControl}, the gRPC
 * {@code CometAdmin} service logic forwards its cluster routes to), and the same actions as HTTP routes on the admin
 * port ({@link io.jgoim.comet.admin.CometAdminRoutes}). Reads sessions only on their event loops, one task per loop,
 * as the revocation sweep does; off the push path.
 */
package io.jgoim.comet.admin;
