package io.jgoim.protocol;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/errors.md lists exactly the codes of ErrorCode and CloseCode, with the same numbers. */
class ErrorsDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| ([A-Z_]+) \\| (-?\\d+) \\|", Pattern.MULTILINE);

    @Test
    void shouldListEveryErrorAndCloseCodeWithItsNumber() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "errors.md"));
        int split = doc.indexOf("## Close codes");
        assertThat(split).isPositive();
        assertThat(rows(doc.substring(0, split))).isEqualTo(errorCodes());
        assertThat(rows(doc.substring(split))).isEqualTo(closeCodes());
    }

    private static Map<String, Integer> rows(String section) {
        Map<String, Integer> out = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }

    private static Map<String, Integer> errorCodes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ErrorCode c : ErrorCode.values()) {
            out.put(c.name(), c.code());
        }
        return out;
    }

    private static Map<String, Integer> closeCodes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (CloseCode c : CloseCode.values()) {
            out.put(c.name(), c.code());
        }
        return out;
    }
}
