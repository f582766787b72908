package io.jgoim.common.admin;

import io.jgoim.common.http.AsciiDecimal;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.util.List;
import java.util.Map;

/**
 * One admin request as an action sees it: its query parameters (read with the checks every route needs, a bad one
 * answered BAD_PARAMETER naming it) and who called (the API key's id and the client's address; never the key).
 * Lives for one call. Not thread-safe; an action reads it before it goes asynchronous.
 */
public final class AdminCall {
    private final Map<String, List<String>> query;
    private final String by;

    public AdminCall(Map<String, List<String>> query, String by) {
        this.query = query;
        this.by = by;
    }

    /** Who called, for audit lines: {@code API key ops from 10.0.0.7}. */
    public String by() {
        return by;
    }

    /**
     * The parameter's value as sent, or null when absent or empty. Not trimmed (a key is compared byte for byte:
     * " k9" is not "k9", as on the push API); a value holding a control character (U+0000..U+001F, U+007F..U+009F)
     * is BAD_PARAMETER: no key, room, server or id holds one, and trimming them silently made {@code key=%1Fk9} act
     * on {@code k9}.
     */
    public String text(String name) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw bad(name + " given " + v.size() + " times");
        }
        String s = v.get(0);
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw bad(name + " holds a control character (U+" + String.format("%04X", (int) s.charAt(i))
                        + ")");
            }
        }
        return s.isEmpty() ? null : s;
    }

    /** The parameter's value; BAD_PARAMETER when absent. */
    public String required(String name) {
        String s = text(name);
        if (s == null) {
            throw bad(name + " is required");
        }
        return s;
    }

    /**
     * An integer in {@code [min, max]} (ASCII digits, {@link AsciiDecimal}), {@code fallback} when absent;
     * BAD_PARAMETER otherwise.
     */
    public int integer(String name, int min, int max, int fallback) {
        String s = text(name);
        if (s == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(AsciiDecimal.check(s, min < 0));
            if (v < min || v > max) {
                throw bad(name + " must be within " + min + ".." + max + ", was " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(name + " must be an integer, was '" + s + "'");
        }
    }

    /** A member id (a positive long) or 0 when absent; BAD_PARAMETER when not one. */
    public long memberId(String name) {
        String s = text(name);
        if (s == null) {
            return 0;
        }
        try {
            long v = Long.parseLong(AsciiDecimal.check(s, true));
            if (v <= 0) {
                throw bad(name + " must be a positive member id, was " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(name + " must be a member id (a positive integer), was '" + s + "'");
        }
    }

    /** A duration in whole seconds ({@code 30} or {@code 30s}), {@code fallback} when absent. */
    public java.time.Duration seconds(String name, int maxSeconds, java.time.Duration fallback) {
        String s = text(name);
        if (s == null) {
            return fallback;
        }
        String digits = s.endsWith("s") ? s.substring(0, s.length() - 1) : s;
        try {
            int v = Integer.parseInt(AsciiDecimal.check(digits, false));
            if (v < 0 || v > maxSeconds) {
                throw bad(name + " must be within 0.." + maxSeconds + " seconds, was " + v);
            }
            return java.time.Duration.ofSeconds(v);
        } catch (NumberFormatException e) {
            throw bad(name + " must be whole seconds (30 or 30s), was '" + s + "'");
        }
    }

    public static JgoimException bad(String message) {
        return new JgoimException(ErrorCode.BAD_PARAMETER, message);
    }
}
