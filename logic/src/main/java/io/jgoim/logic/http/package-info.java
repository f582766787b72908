/**
 * The HTTP push API of logic (goim's routes: push keys/mids/room/all, online counts, node lists, plus /metrics and
 * /health): {@link io.jgoim.logic.http.Route} lists the routes, {@link io.jgoim.logic.http.Routes} binds them to the
 * push, online and node handlers behind the API-key check of {@link io.jgoim.logic.http.ApiGate} (keys, scopes and
 * rates in {@link io.jgoim.common.http.access}), and {@link io.jgoim.logic.http.ApiService} turns their outcome into the
 * {@code {code, message, data}} JSON; pipelining and read backpressure come from common's
 * {@link io.jgoim.common.http}. Business services do the work, and a push is answered only once the bus holds it.
 */
package io.jgoim.logic.http;
