/**
 * What every gRPC link between nodes shares besides TLS: HTTP/2 keepalive ({@link io.jgoim.common.grpc.KeepAlive}),
 * so a caller stops sending to a peer that no longer answers although its connection looks open.
 */
package io.jgoim.common.grpc;
