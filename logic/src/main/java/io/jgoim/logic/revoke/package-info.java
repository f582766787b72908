/**
 * The deny list: revoked JWT ids, signing keys and members. Connect and Refresh refuse what it names (TOKEN_REVOKED),
 * and comets learn it through RenewOnline and close the open sessions it names. Redis in a cluster, memory in
 * standalone, held to one contract.
 */
package io.jgoim.logic.revoke;
