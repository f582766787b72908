package io.jgoim.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jgoim.loadtest.ScenarioResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes every output of a run: the summary table on a stream, and {@code <name>.json} (the result),
 * {@code <name>.hlog} (HdrHistogram interval log) and {@code <name>.html} (the report) in a directory.
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    /** The files of one run. */
    public record Files3(Path json, Path histogramLog, Path html) {
    }

    /** A file name stem like {@code connect-20260101-120000}. */
    public static String stem(String scenario) {
        return scenario + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    public static Files3 write(ScenarioResult r, Path dir, String stem, PrintStream table) throws IOException {
        Files.createDirectories(dir);
        Files3 f = new Files3(dir.resolve(stem + ".json"), dir.resolve(stem + ".hlog"), dir.resolve(stem + ".html"));
        writeJson(r, f.json());
        HistogramLogFile.write(r, f.histogramLog());
        HtmlReport.write(r, f.html());
        if (table != null) {
            SummaryTable.print(r, table);
            table.printf("results: %s%n         %s%n         %s%n", f.json(), f.histogramLog(), f.html());
        }
        return f;
    }

    public static void writeJson(ScenarioResult r, Path file) throws IOException {
        JSON.writeValue(file.toFile(), r);
    }

    public static ScenarioResult readJson(Path file) throws IOException {
        return JSON.readValue(file.toFile(), ScenarioResult.class);
    }
}
