/**
 * The Logic service comet calls (directly in standalone, over gRPC in a cluster): authentication, session routing,
 * online counts, upstream messages and node lists.
 */
package io.jgoim.logic.service;
