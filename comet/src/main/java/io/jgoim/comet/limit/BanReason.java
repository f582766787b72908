package io.jgoim.comet.limit;

/** Why an address was banned: the kind of failure that went over {@code limits.authFailuresPerIp}. */
public enum BanReason {
    /** Logic refused its tokens. */
    AUTH_FAILURES,
    /** Its connections ended before auth without the comet refusing them (connect/close flaps, silent sockets). */
    FLAPS
}
