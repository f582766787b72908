/**
 * HTTP/1.1 listener pieces shared by the nodes' HTTP APIs: {@link io.jgoim.common.http.PipelinedHttpHandler} answers
 * a connection's pipelined requests in request order while their work completes on other threads, pausing reads at
 * a bound; an {@link io.jgoim.common.http.HttpService} (logic's push API, an admin API, a static page) says what each
 * request gets. Nothing here knows a route.
 */
package io.jgoim.common.http;
