/**
 * Online counts: comets report their rooms' session counts through RenewOnline; logic stores them per comet in the
 * session directory and aggregates them periodically into the cluster-wide counts it returns to comets and the API.
 */
package io.jgoim.logic.online;
