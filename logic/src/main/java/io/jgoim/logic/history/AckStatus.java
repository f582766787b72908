package io.jgoim.logic.history;

import java.util.List;

/**
 * Which devices of a member acknowledged one message of its stream: the message's position and, for every device
 * of the member seen within the member retention's ttl, whether it acknowledged that offset (or a later one) in that
 * epoch. What {@code GET /goim/push/acks} answers. Immutable.
 */
public record AckStatus(String stream, long epoch, long offset, List<DeviceAck> devices) {
    public AckStatus {
        devices = List.copyOf(devices);
    }

    /** One device (its session key) and whether it acknowledged the message. */
    public record DeviceAck(String key, boolean acked) {
    }
}
