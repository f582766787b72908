/**
 * The nodes' logs: one line per event, readable text in standalone and one JSON object per line in cluster mode,
 * each carrying the node (role and id) and, when a span is current on the logging thread (or the MDC names one),
 * {@code trace_id} and {@code span_id}
 * ({@link io.jgoim.common.logging.NodeLogEncoder}); the {@code logging:} config section
 * ({@link io.jgoim.common.logging.LoggingConfig}) applied at start ({@link io.jgoim.common.logging.NodeLogging}); and
 * level changes while running, each audited ({@link io.jgoim.common.logging.LogLevels}). Logback is the backend of
 * the runnable jar; it is an optional dependency here, so only the classes named for it touch it, and only when
 * SLF4J is bound to it. Off the push path: nothing here runs per message.
 */
package io.jgoim.common.logging;
