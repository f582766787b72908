/**
 * The outputs of a load run: the stdout summary table, the JSON result, the HdrHistogram interval log and a
 * self-contained HTML report with inline SVG plots.
 */
package io.jgoim.loadtest.report;
