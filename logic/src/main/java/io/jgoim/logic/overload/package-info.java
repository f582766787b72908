/**
 * Logic's adaptive shedding: one {@link io.jgoim.logic.overload.LogicOverload} per node owns its CPU reading and one
 * BBR limiter per shedding point — the HTTP push API (refused 429, code 302, {@code Retry-After}) and Connect from
 * the comets ({@link io.jgoim.logic.overload.ShedConnect}: refused with code 302, which the comet turns into close
 * code 4015). The limiter itself is {@code io.jgoim.common.overload}.
 */
package io.jgoim.logic.overload;
