/**
 * The HTTP push API of logic (goim's routes: push keys/mids/room/all, online counts, node lists, plus /metrics and
 * /health) on Netty's HTTP codec: business services call it, and a push is answered only once the bus holds it.
 */
package io.jgoim.logic.http;
