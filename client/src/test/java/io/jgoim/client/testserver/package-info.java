/** A goim-speaking test server (TCP, WebSocket, HTTP push API) for the client SDK and load-tool tests. */
package io.jgoim.client.testserver;
