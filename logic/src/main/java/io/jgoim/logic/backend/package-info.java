/**
 * HTTP calls from logic to the operator's business backend: the upstream router's {@code http} kind and the connect
 * proxy both POST JSON through a {@link io.jgoim.logic.backend.BackendHttp} (Netty HTTP/1.1 on a thread of its own,
 * a bounded keep-alive connection pool per backend, a bound on requests in flight per logic node, a reply-size limit,
 * failures mapped to error codes). Nothing here runs on a comet or API event loop.
 */
package io.jgoim.logic.backend;
