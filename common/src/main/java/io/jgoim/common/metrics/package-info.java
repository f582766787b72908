/** The admin HTTP endpoint (/metrics, /health) shared by the nodes. */
package io.jgoim.common.metrics;
