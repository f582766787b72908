/** Stream history as logic serves it: reads for comets (resume, gaps, last N) over the history store. */
package io.jgoim.logic.history;
