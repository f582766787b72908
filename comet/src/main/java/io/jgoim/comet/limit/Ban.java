package io.jgoim.comet.limit;

import java.time.Instant;

/**
 * One banned address, as {@link IpBans#list()} reports it.
 *
 * @param ip      the address ("a.b.c.d"), or for IPv6 its /64 ("2001:db8:0:1::/64")
 * @param reason  the kind of failure whose rate crossed {@code limits.authFailuresPerIp}
 * @param until   when the ban ends (the comet's wall clock)
 * @param count   failed handshakes counted for the address since it entered the address table
 * @param refused connects refused by this ban so far
 */
public record Ban(String ip, BanReason reason, Instant until, int count, int refused) {
}
