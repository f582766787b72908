/**
 * What comet writes, independent of who it is written to: {@link io.jgoim.comet.frame.PushFrame} (one push,
 * encoded once, shared by every recipient), {@link io.jgoim.comet.frame.ReplyFrames} (the replies and goodbyes comet
 * composes itself) and {@link io.jgoim.comet.frame.SessionTransport}, the one place that frames them per transport.
 * Sits below the session index, so sessions and the fan-out can write without knowing the pipelines.
 */
package io.jgoim.comet.frame;
