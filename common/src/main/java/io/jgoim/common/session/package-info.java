/** The session store seam (Redis | in-memory): routes of sessions to comets and room online counts. */
package io.jgoim.common.session;
