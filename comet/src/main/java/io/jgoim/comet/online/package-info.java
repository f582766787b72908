/**
 * The comet's reports: room counts to logic's RenewOnline (whose cluster counts feed heartbeat replies) and its
 * entry in the node registry (cluster mode).
 */
package io.jgoim.comet.online;
