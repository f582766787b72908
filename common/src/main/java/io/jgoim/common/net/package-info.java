/**
 * Listening-socket pieces shared by every node's server channels: {@link io.jgoim.common.net.AcceptErrorHandler}
 * turns a failed accept (out of file descriptors, out of buffers) into a one-second pause of that listener, a
 * counter and a bounded-rate log line, instead of Netty's stack trace per failed accept. Nothing here sees an
 * accepted connection.
 */
package io.jgoim.common.net;
