/** The comet node registry: comets register themselves; logic and job read the live list. */
package io.jgoim.common.registry;
