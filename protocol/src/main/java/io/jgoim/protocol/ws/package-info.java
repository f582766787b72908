/** WebSocket framing of goim frames: one binary message per frame, pushes wrapped in an outer op-9 frame. */
package io.jgoim.protocol.ws;
