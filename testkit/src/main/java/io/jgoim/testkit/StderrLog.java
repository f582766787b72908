package io.jgoim.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test JVM's stderr, copied while installed: slf4j-simple, the modules' test logging backend, looks System.err up
 * at each line, so whatever the server under test (and its twins, and Netty) logs lands here as well as on the real
 * stderr. Lines read {@code [thread] LEVEL logger - message}, a throwable's stack trace after its line. For the
 * hostile-input tests that assert what was logged. Install in a setup, close in the matching teardown; thread-safe.
 */
public final class StderrLog implements AutoCloseable {
    private static final Pattern LINE = Pattern.compile("^\\[[^\\]]*\\] (ERROR|WARN|INFO|DEBUG|TRACE) ");

    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private final PrintStream original;

    private StderrLog() {
        original = System.err;
        System.setErr(new PrintStream(new Tee(original, copy), true, StandardCharsets.UTF_8));
    }

    public static StderrLog install() {
        return new StderrLog();
    }

    /** Where the log stands now, for {@link #since(int)}. */
    public int mark() {
        synchronized (copy) {
            return copy.size();
        }
    }

    /** What was written to stderr since {@code mark} (a byte count: decoded from there, not a char index). */
    public String since(int mark) {
        byte[] all;
        synchronized (copy) {
            all = copy.toByteArray();
        }
        return new String(all, mark, all.length - mark, StandardCharsets.UTF_8);
    }

    /**
     * Since {@code mark}: each line logged at ERROR, and each stack trace (the line it follows, its first line) at
     * whatever level: a hostile input never earns either.
     */
    public List<String> problems(int mark) {
        List<String> out = new ArrayList<>();
        String lastLine = "";
        String previous = "";
        boolean inTrace = false;
        for (String line : since(mark).split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                lastLine = line;
                inTrace = false;
                if (m.group(1).equals("ERROR")) {
                    out.add(line);
                }
            } else if (line.startsWith("\tat ") && !inTrace) {
                inTrace = true;
                out.add("stack trace after \"" + lastLine + "\": " + previous);
            }
            previous = line;
        }
        return out;
    }

    /** Lines logged at WARN since {@code mark} (allowed without a throwable; the fuzzer reports how many). */
    public int warnings(int mark) {
        int n = 0;
        for (String line : since(mark).split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find() && m.group(1).equals("WARN")) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    /** Writes to the real stderr and to the copy. */
    private static final class Tee extends OutputStream {
        private final PrintStream out;
        private final ByteArrayOutputStream copy;

        Tee(PrintStream out, ByteArrayOutputStream copy) {
            this.out = out;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            out.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
            synchronized (copy) {
                copy.write(b, off, len);
            }
        }
    }
}
