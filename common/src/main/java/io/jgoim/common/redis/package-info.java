/** The shared lettuce connection factory behind the Redis twins of the session directory and node registry. */
package io.jgoim.common.redis;
