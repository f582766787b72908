/**
 * Comet discovery for job: which comets exist (node registry or a direct map), one gRPC channel per comet, the rooms
 * each comet hosts (polled), and a retry budget per comet. The dispatcher reads it; it never blocks a push.
 */
package io.jgoim.job.comet;
