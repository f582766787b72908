package io.jgoim.logic.upstream;

import io.jgoim.common.config.Checks;

import java.util.Arrays;

/**
 * A set of ops written as a comma-separated list of ops and inclusive ranges: {@code "1001"}, {@code "1000-1999"},
 * {@code "4,1000-1099"}. Matching is a scan of a few ranges, without allocation. Immutable.
 */
public final class OpSet {
    private final int[] from;
    private final int[] to;
    private final String text;

    private OpSet(int[] from, int[] to, String text) {
        this.from = from;
        this.to = to;
        this.text = text;
    }

    /** Parses {@code text}; a bad one fails with a ConfigException naming {@code key}. */
    public static OpSet parse(String text, String key) {
        Checks.check(text != null && !text.isBlank(), key + " is required (e.g. \"1001\" or \"1000-1999\")");
        String[] parts = text.split(",");
        int[] from = new int[parts.length];
        int[] to = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            int dash = p.indexOf('-', 1);
            try {
                from[i] = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                to[i] = dash < 0 ? from[i] : Integer.parseInt(p.substring(dash + 1).trim());
            } catch (NumberFormatException e) {
                Checks.check(false, key + ": '" + p + "' is not an op or a range from-to");
            }
            Checks.check(from[i] <= to[i], key + ": range '" + p + "' ends before it starts");
            // Upstream ops are 4 and business ops; the protocol's own ops never reach Receive.
            Checks.check(from[i] == 4 && to[i] == 4 || from[i] >= 1000,
                    key + ": '" + p + "' names ops other than 4 and >= 1000 (the only upstream ops)");
        }
        return new OpSet(from, to, text.trim());
    }

    public boolean contains(int op) {
        for (int i = 0; i < from.length; i++) {
            if (op >= from[i] && op <= to[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text + " " + Arrays.toString(from) + ".." + Arrays.toString(to);
    }
}
