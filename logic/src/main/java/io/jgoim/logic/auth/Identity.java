package io.jgoim.logic.auth;

import java.util.List;

/**
 * Who a token says the session is: member id, session key, the room it joins, its platform and the ops it watches.
 * Immutable.
 *
 * @param memberId member id (goim's mid); 0 = anonymous
 * @param key      session key, never empty (a generated UUID when the token has none)
 * @param roomId   room id {@code type://id}, or "" for none
 * @param platform client platform, or ""
 * @param accepts  business ops the session receives
 */
public record Identity(long memberId, String key, String roomId, String platform, List<Integer> accepts) {
    public Identity {
        roomId = roomId == null ? "" : roomId;
        platform = platform == null ? "" : platform;
        accepts = accepts == null ? List.of() : List.copyOf(accepts);
    }
}
