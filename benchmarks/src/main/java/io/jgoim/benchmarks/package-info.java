/**
 * JMH micro-benchmarks of jgoim's hot paths and their support: room fan-out through the comet's core
 * ({@link io.jgoim.benchmarks.RoomFanoutBenchmark}), the per-session push ring
 * ({@link io.jgoim.benchmarks.PushRingBenchmark}) and the lock-free queues measured against it
 * ({@link io.jgoim.benchmarks.RingChoiceBenchmark}: JCTools, Agrona, whose queues need
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}), JWT verification
 * ({@link io.jgoim.benchmarks.JwtBenchmark}), the
 * event-loop-thread executor that makes Netty's recyclers behave as in production
 * ({@link io.jgoim.benchmarks.EventLoopThreads}), a socket stand-in ({@link io.jgoim.benchmarks.ReleasingSink}) and a
 * CPU-time profiler for a shared machine ({@link io.jgoim.benchmarks.CpuTimeProfiler}). Benchmarks that need
 * package-private access live in the package they measure (codec, job batching
 * and lane inbox, the comet's bucket index, logic's push reply and push tracing). Figures and commands:
 * {@code BENCHMARKS.md}.
 */
package io.jgoim.benchmarks;
