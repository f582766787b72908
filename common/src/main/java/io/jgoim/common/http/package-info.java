/**
 * HTTP/1.1 listener pieces shared by the nodes' HTTP APIs: {@link io.jgoim.common.http.PipelinedHttpHandler} answers
 * a connection's pipelined requests in request order while their work completes on other threads, pausing reads at
 * a bound; an {@link io.jgoim.common.http.HttpService} (logic's push API, an admin API, a static page) says what each
 * request gets, and words the listener's own refusals ({@link io.jgoim.common.http.HttpRefusal}). The limits that
 * keep one client from holding the listener live here too: read timeouts for a request's head and body and for idle
 * keep-alive connections ({@link io.jgoim.common.http.HttpTimeouts}), a cap of connections per client address
 * ({@link io.jgoim.common.http.ConnectionLimiter}) and bounded-rate logs of client errors. A connection ended after a
 * reply lingers ({@link io.jgoim.common.http.LingeringClose}) so that no reply is lost to a reset. Nothing here knows
 * a route.
 */
package io.jgoim.common.http;
