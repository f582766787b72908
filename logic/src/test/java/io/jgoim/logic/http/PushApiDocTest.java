package io.jgoim.logic.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/push-api.md documents exactly the {@link Route}s: each with its method and every parameter it reads (in the
 * route's heading section or table row), and no route the code does not have.
 */
class PushApiDocTest {
    /** A documented route: a "### POST /goim/..." heading or a "| `GET /goim/...` |" table row. */
    private static final Pattern DOCUMENTED = Pattern.compile(
            "^(?:### ([A-Z]+) (/goim/\\S+)|\\| `([A-Z]+) (/goim/[^`]+)` \\|)", Pattern.MULTILINE);

    private static String doc() throws IOException {
        return Files.readString(Path.of("..", "docs", "push-api.md"));
    }

    @Test
    void shouldDocumentEveryRouteWithItsMethodAndParameters() throws IOException {
        String doc = doc();
        for (Route r : Route.values()) {
            String section = section(doc, r);
            assertThat(section).as("docs/push-api.md section of %s %s", r.method(), r.path()).isNotNull();
            for (Param p : r.params()) {
                assertThat(section).as("%s documents parameter %s", r.path(), p.name())
                        .contains("`" + p.name() + "`");
            }
        }
    }

    @Test
    void shouldDocumentNoRouteTheCodeDoesNotHave() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher m = DOCUMENTED.matcher(doc());
        while (m.find()) {
            documented.add(m.group(1) != null ? m.group(1) + " " + m.group(2) : m.group(3) + " " + m.group(4));
        }
        Set<String> routes = new TreeSet<>();
        for (Route r : Route.values()) {
            routes.add(r.method().name() + " " + r.path());
        }
        assertThat(documented).isEqualTo(routes);
    }

    /** The route's heading section (to the next heading) or its table row; null if undocumented. */
    private static String section(String doc, Route r) {
        String heading = "### " + r.method().name() + " " + r.path() + " ";
        int at = doc.indexOf(heading);
        if (at >= 0) {
            int end = doc.indexOf("\n#", at + heading.length());
            return doc.substring(at, end < 0 ? doc.length() : end);
        }
        String row = "| `" + r.method().name() + " " + r.path() + "` |";
        at = doc.indexOf(row);
        if (at >= 0) {
            int end = doc.indexOf('\n', at);
            return doc.substring(at, end < 0 ? doc.length() : end);
        }
        return null;
    }
}
