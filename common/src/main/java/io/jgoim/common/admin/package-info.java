/**
 * The operator's admin routes, shared by every node: a route table ({@link io.jgoim.common.admin.AdminRoutes}) the
 * node fills with its actions (comet: weight, drain, kick, sessions, presence; every node: log levels), the
 * endpoint that checks the API key ({@link io.jgoim.common.http.access.ApiKeyCheck}, the check logic's push API
 * uses), runs the action and answers {@code {code, message, data}}, and the audit line every action leaves on
 * {@code io.jgoim.audit}. Served on comet's and job's admin ports next to /metrics and /health, which stay open.
 */
package io.jgoim.common.admin;
