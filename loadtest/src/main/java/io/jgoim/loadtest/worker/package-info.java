/**
 * Multi-process runs: the parent spawns child JVMs of the load tool with disjoint session ranges and source addresses
 * ({@link io.jgoim.loadtest.worker.WorkerProcesses}), children report phases over stdout and wait for STOP on stdin
 * ({@link io.jgoim.loadtest.worker.StdioCoordinator}); the parent merges their results. This is how one scenario goes
 * past a single process's open-files limit.
 */
package io.jgoim.loadtest.worker;
