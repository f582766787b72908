/**
 * Publishing pushes: {@link io.jgoim.logic.push.PushService} turns an API call into {@code PushMsg} records (grouped
 * per comet for key/mid pushes) and hands them to the bus ({@link io.jgoim.logic.push.KafkaPushPublisher} in a
 * cluster, job's in-process bus in standalone); job consumes them and pushes to the comets. Member pushes whose
 * stream keeps history are sequenced here, at publish ({@link io.jgoim.logic.push.MemberSequencer}): the history
 * store gives each its position before the records leave.
 */
package io.jgoim.logic.push;
