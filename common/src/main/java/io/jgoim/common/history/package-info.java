/**
 * Stream history: the {@link io.jgoim.common.history.HistoryStore} seam (Redis in a cluster, memory in standalone)
 * that assigns stream positions and keeps the last messages of each stream, and the per-room-type
 * {@link io.jgoim.common.history.HistoryConfig} that says which streams keep history and how much.
 */
package io.jgoim.common.history;
