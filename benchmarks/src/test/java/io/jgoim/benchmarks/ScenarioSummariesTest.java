package io.jgoim.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scenario scripts' own tests, in the suite: the Python unit tests beside {@code run.sh}'s summaries
 * ({@code benchmarks/scenarios/test_*.py}: the connect ladder's verdict, push-api-overload's summary and its C
 * driver, compiled with gcc and run against a local HTTP server). A verdict a benchmark prints is only as good as
 * the code that reads its runs, and those tests ran only by hand before. Needs {@code python3} and {@code gcc}
 * ({@code .ci/run} installs them on a fresh machine); every test must run, none skipped.
 */
@Timeout(300)
class ScenarioSummariesTest {
    @Test
    void shouldPassEveryScenarioScriptTest() throws IOException, InterruptedException {
        Path scenarios = Path.of("scenarios").toAbsolutePath();
        assertThat(scenarios.resolve("summarize.py")).as("run from the benchmarks module").exists();
        try (var files = Files.list(scenarios)) {
            assertThat(files.filter(p -> p.getFileName().toString().matches("test_.*\\.py")).count())
                    .as("the scenario tests").isGreaterThanOrEqualTo(2);
        }
        Process p = new ProcessBuilder(List.of("python3", "-m", "unittest", "discover", "-v", "-s", ".", "-p",
                "test_*.py")).directory(scenarios.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("the tests finished").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("every test ran (gcc and python3 installed)").doesNotContain("skipped");
        assertThat(out).contains("\nOK");
    }
}
