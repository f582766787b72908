/**
 * HTTP calls from logic to the operator's business backend: the upstream router's {@code http} kind and the connect
 * proxy both POST JSON through one {@link io.jgoim.logic.backend.BackendHttp} (pooled connections, a bound on
 * requests in flight per logic node, a reply-size limit, failures mapped to error codes). Nothing here runs on a
 * Netty event loop.
 */
package io.jgoim.logic.backend;
