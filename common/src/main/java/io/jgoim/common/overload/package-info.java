/**
 * Adaptive overload protection shared by the nodes. {@link io.jgoim.common.overload.BbrLimiter} sheds inbound work
 * (logic's push API and Connect, the comet's auth path) only while this node's CPU, smoothed by
 * {@link io.jgoim.common.overload.CpuMonitor}, is above a threshold and more requests are in flight than the node has
 * shown it can carry. The CPU is read from procfs where there is one ({@link io.jgoim.common.overload.CpuSource}) by
 * one sampler per JVM ({@link io.jgoim.common.overload.SharedCpuMonitor}), which runs only while a node sheds.
 * {@link io.jgoim.common.overload.AdaptiveThrottle} is the client side (Google SRE "Handling Overload"): a caller
 * that sees a peer refuse most of its calls refuses some locally instead of hammering it. Both decide without
 * allocating, on primitive rolling windows ({@link io.jgoim.common.overload.BucketWindow}).
 */
package io.jgoim.common.overload;
