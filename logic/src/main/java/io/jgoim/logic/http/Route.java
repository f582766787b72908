package io.jgoim.logic.http;

import io.jgoim.common.http.access.ApiScope;
import io.netty.handler.codec.http.HttpMethod;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.jgoim.logic.http.Param.intParam;
import static io.jgoim.logic.http.Param.list;
import static io.jgoim.logic.http.Param.longList;
import static io.jgoim.logic.http.Param.longParam;
import static io.jgoim.logic.http.Param.optionalBool;
import static io.jgoim.logic.http.Param.u64;
import static io.jgoim.logic.http.Param.optionalInt;
import static io.jgoim.logic.http.Param.requiredText;
import static io.jgoim.logic.http.Param.text;
import static io.jgoim.common.http.access.ApiScope.ADMIN;
import static io.jgoim.common.http.access.ApiScope.PUSH;
import static io.jgoim.common.http.access.ApiScope.READ;

/**
 * The push API's routes, the one list of them (goim's HTTP routes; docs/push-api.md describes each): path, method,
 * the API-key scope it needs, query parameters in the order they are checked, and the metric tag. The path is the
 * {@code route} tag of {@code jgoim.logic.api.requests}; any other path is tagged {@link #OTHER_TAG}, so the tag's
 * values stay bounded.
 * Which code answers each route is bound in {@link Routes}. Immutable.
 */
enum Route {
    PUSH_KEYS("/goim/push/keys", HttpMethod.POST, PUSH, intParam("operation"), list("keys")),
    PUSH_MIDS("/goim/push/mids", HttpMethod.POST, PUSH, intParam("operation"), longList("mids"),
            optionalBool("must_deliver"), text("id")),
    // type and room are required by PushService.roomId, which words the refusal
    PUSH_ROOM("/goim/push/room", HttpMethod.POST, PUSH, intParam("operation"), text("type"), text("room"),
            text("id")),
    PUSH_ALL("/goim/push/all", HttpMethod.POST, PUSH, intParam("operation"), optionalInt("speed"), text("id")),
    // which devices acked a must-deliver push: the pusher's follow-up (PUSH scope: it names a member's device keys)
    PUSH_ACKS("/goim/push/acks", HttpMethod.GET, PUSH, longParam("mid"), u64("epoch"), longParam("offset")),
    ONLINE_TOP("/goim/online/top", HttpMethod.GET, READ, requiredText("type"), intParam("limit")),
    ONLINE_ROOM("/goim/online/room", HttpMethod.GET, READ, requiredText("type"), list("rooms")),
    ONLINE_TOTAL("/goim/online/total", HttpMethod.GET, READ),
    NODES_WEIGHTED("/goim/nodes/weighted", HttpMethod.GET, READ, requiredText("platform")),
    NODES_INSTANCES("/goim/nodes/instances", HttpMethod.GET, READ),
    ADMIN_REVOKE("/goim/admin/revoke", HttpMethod.POST, ADMIN, text("jti"), text("kid"), text("mid"), text("until"),
            text("tenant")),
    ADMIN_REVOKED("/goim/admin/revoked", HttpMethod.GET, ADMIN),
    // one logger's level in this logic process, while it runs (audited in the log)
    ADMIN_LOGLEVEL("/goim/admin/loglevel", HttpMethod.POST, ADMIN, requiredText("logger"), requiredText("level")),
    // the cluster admin routes (ClusterAdminRoutes): parameters are read there, with the admin ports' messages
    ADMIN_KICK("/goim/admin/kick", HttpMethod.POST, ADMIN, text("mid"), text("key"), text("tenant")),
    ADMIN_SESSIONS("/goim/admin/sessions", HttpMethod.GET, ADMIN, text("mid"), text("tenant")),
    ADMIN_PRESENCE("/goim/admin/presence", HttpMethod.GET, ADMIN, text("type"), text("room"), text("tenant"),
            text("cursor"), text("limit")),
    ADMIN_COMET_WEIGHT("/goim/admin/comet/weight", HttpMethod.POST, ADMIN, text("server"), text("weight")),
    ADMIN_COMET_DRAIN("/goim/admin/comet/drain", HttpMethod.POST, ADMIN, text("server"), text("seconds"));

    /** The metric tag of requests to a path that is no route (and of undecodable requests). */
    static final String OTHER_TAG = "other";

    private static final Map<String, Route> BY_PATH = new HashMap<>();

    static {
        for (Route r : values()) {
            BY_PATH.put(r.path, r);
        }
    }

    private final String path;
    private final HttpMethod method;
    private final ApiScope scope;
    private final List<Param> params;

    private final String spanName;
    private final String allow;

    Route(String path, HttpMethod method, ApiScope scope, Param... params) {
        this.path = path;
        this.method = method;
        this.scope = scope;
        this.params = List.of(params);
        this.spanName = method.name() + " " + path;
        this.allow = HttpMethod.GET.equals(method) ? "GET, HEAD" : method.name();
    }

    /** The route at {@code path}, or null. */
    static Route of(String path) {
        return BY_PATH.get(path);
    }

    /** The name of the push API's span for this route ({@code POST /goim/push/room}), built once. */
    String spanName() {
        return spanName;
    }

    String path() {
        return path;
    }

    HttpMethod method() {
        return method;
    }

    /**
     * Whether {@code m} is this route's: its method, or HEAD on a GET route (RFC 9110 9.3.2: a server that answers
     * GET answers HEAD; the codec sends the GET reply's head without its body).
     */
    boolean accepts(HttpMethod m) {
        return method.equals(m) || (HttpMethod.HEAD.equals(m) && HttpMethod.GET.equals(method));
    }

    /** The {@code Allow} header of this route's 405 (RFC 9110 15.5.6): {@code POST}, or {@code GET, HEAD}. */
    String allow() {
        return allow;
    }

    /** The scope an API key needs to call this route (when {@code http.apiKeys} is set). */
    ApiScope scope() {
        return scope;
    }

    /** Query parameters, in the order they are parsed (the first bad one is the one reported). */
    List<Param> params() {
        return params;
    }

    /** The {@code route} tag of this route's request metrics. */
    String tag() {
        return path;
    }
}
