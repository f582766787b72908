/**
 * What a comet knows of a session's token beyond its identity: compact ids (a 64-bit jti hash, a small kid number)
 * and the deny list logic hands out in RenewOnline replies, against which open sessions are matched. Depends on no
 * other comet package.
 */
package io.jgoim.comet.token;
