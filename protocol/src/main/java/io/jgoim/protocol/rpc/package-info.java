/**
 * The seams between nodes: {@link io.jgoim.protocol.rpc.LogicService} (comet → logic),
 * {@link io.jgoim.protocol.rpc.CometService} (job → comet) and {@link io.jgoim.protocol.rpc.PushPublisher}
 * (logic → job), each with a gRPC (or Kafka) implementation for a cluster and a direct one for standalone.
 */
package io.jgoim.protocol.rpc;
