package io.jgoim.comet.metrics;

import io.jgoim.protocol.Op;

/** The bounded set of {@code op} label values of the frame counters; {@link #of} maps a wire op to one. */
enum OpLabel {
    HEARTBEAT("heartbeat"), HEARTBEAT_REPLY("heartbeat_reply"), SEND("send"), AUTH("auth"),
    AUTH_REPLY("auth_reply"), CHANGE_ROOM("change_room"), CHANGE_ROOM_REPLY("change_room_reply"),
    SUB("watch"), SUB_REPLY("watch_reply"), UNSUB("unwatch"), UNSUB_REPLY("unwatch_reply"),
    BUSINESS("business"), PUSH("push"), DISCONNECT("disconnect"), ERROR_REPLY("error_reply"),
    PUBLICATIONS("publications"), STREAM_STATE("stream_state"), ACK("ack"), OTHER("other");

    final String label;

    OpLabel(String label) {
        this.label = label;
    }

    static OpLabel of(int op) {
        switch (op) {
            case Op.HEARTBEAT: return HEARTBEAT;
            case Op.HEARTBEAT_REPLY: return HEARTBEAT_REPLY;
            case Op.SEND_MSG: return SEND;
            case Op.AUTH: return AUTH;
            case Op.AUTH_REPLY: return AUTH_REPLY;
            case Op.RAW: return PUSH;
            case Op.CHANGE_ROOM: return CHANGE_ROOM;
            case Op.CHANGE_ROOM_REPLY: return CHANGE_ROOM_REPLY;
            case Op.SUB: return SUB;
            case Op.SUB_REPLY: return SUB_REPLY;
            case Op.UNSUB: return UNSUB;
            case Op.UNSUB_REPLY: return UNSUB_REPLY;
            case Op.DISCONNECT: return DISCONNECT;
            case Op.ERROR_REPLY: return ERROR_REPLY;
            case Op.PUBLICATIONS: return PUBLICATIONS;
            case Op.STREAM_STATE: return STREAM_STATE;
            case Op.ACK: return ACK;
            default: return op >= Op.BUSINESS_MIN ? BUSINESS : OTHER;
        }
    }
}
