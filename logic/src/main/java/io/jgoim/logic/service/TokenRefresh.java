package io.jgoim.logic.service;

import io.jgoim.logic.auth.Authenticator;
import io.jgoim.logic.auth.Identity;
import io.jgoim.logic.revoke.DenyList;
import io.jgoim.logic.tenant.Tenants;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.Tenancy;
import io.jgoim.protocol.rpc.logic.RefreshReply;
import io.jgoim.protocol.rpc.logic.RefreshReq;

import java.util.concurrent.CompletableFuture;

/**
 * Refresh's verdict on a session's new token: it must verify as at Connect, name the session's member and tenant
 * (else TOKEN_WRONG_MEMBER) and not be revoked. Its own class because it shares nothing with Connect's routing but
 * the authenticator, deny list and refusal counters. Thread-safe; completes on the deny list's thread.
 */
final class TokenRefresh {
    private final Authenticator authenticator;
    private final Tenants tenants;
    private final DenyList denyList;
    private final TokenRefusals refusals;

    TokenRefresh(Authenticator authenticator, Tenants tenants, DenyList denyList, TokenRefusals refusals) {
        this.authenticator = authenticator;
        this.tenants = tenants;
        this.denyList = denyList;
        this.refusals = refusals;
    }

    /** The session keeps its key and room whatever the new token says; {@code request} is already validated. */
    CompletableFuture<RefreshReply> refresh(RefreshReq request) {
        Identity id;
        String tokenTenant;
        try {
            id = authenticator.authenticate(request.getToken().toByteArray());
            tokenTenant = tenants.resolve(id.tenant());
        } catch (JgoimException e) {
            refusals.count(e.code());
            return CompletableFuture.completedFuture(refusal(e.code(), String.valueOf(e.getMessage())));
        }
        String sessionTenant = Tenancy.tenantOf(request.getKey());
        if (id.memberId() != request.getMid() || !tokenTenant.equals(sessionTenant)) {
            refusals.count(ErrorCode.TOKEN_WRONG_MEMBER);
            return CompletableFuture.completedFuture(refusal(ErrorCode.TOKEN_WRONG_MEMBER,
                    "the token is member " + id.memberId() + "'s, the session member " + request.getMid() + "'s"));
        }
        return denyList.find(id.jti(), id.kid(), sessionTenant, id.memberId()).thenApply(revoked -> {
            if (revoked != null) {
                refusals.count(ErrorCode.TOKEN_REVOKED);
                return refusal(ErrorCode.TOKEN_REVOKED, TokenRefusals.revokedMessage(revoked));
            }
            return RefreshReply.newBuilder().setExpiresAtMs(id.expiresAtMs()).setJti(id.jti()).setKid(id.kid())
                    .build();
        });
    }

    private static RefreshReply refusal(ErrorCode code, String message) {
        return RefreshReply.newBuilder().setErrorCode(code.code()).setErrorMessage(message).build();
    }
}
