package io.jgoim.logic.http;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One query parameter of a {@link Route}: its name and how it is read. A value that does not read is refused with
 * BAD_PARAMETER and a message naming the parameter (the API's documented error texts). Immutable.
 *
 * @param name the query parameter's name
 * @param kind how its value is read, and whether it may be absent
 */
record Param(String name, Kind kind) {
    /** How a parameter's raw values become its value. */
    enum Kind {
        /** The first value, or null when absent; the service checks it. */
        TEXT,
        /** The first value; absent or empty is refused. */
        REQUIRED_TEXT,
        /** A required integer. */
        INT,
        /** An integer, 0 when the parameter is absent (present but empty is refused). */
        OPTIONAL_INT,
        /** Required items, comma-separated, repeated, or both; empty items are refused. */
        LIST,
        /** Like {@link #LIST}, each item a long integer. */
        LONG_LIST,
        /** A required long integer. */
        LONG,
        /** A required unsigned 64-bit decimal (an epoch: JavaScript clients send it as a string). */
        U64,
        /** {@code true}/{@code 1} or {@code false}/{@code 0}; false when absent. */
        OPTIONAL_BOOL
    }

    static Param text(String name) {
        return new Param(name, Kind.TEXT);
    }

    static Param requiredText(String name) {
        return new Param(name, Kind.REQUIRED_TEXT);
    }

    static Param intParam(String name) {
        return new Param(name, Kind.INT);
    }

    static Param optionalInt(String name) {
        return new Param(name, Kind.OPTIONAL_INT);
    }

    static Param list(String name) {
        return new Param(name, Kind.LIST);
    }

    static Param longList(String name) {
        return new Param(name, Kind.LONG_LIST);
    }

    static Param longParam(String name) {
        return new Param(name, Kind.LONG);
    }

    static Param u64(String name) {
        return new Param(name, Kind.U64);
    }

    static Param optionalBool(String name) {
        return new Param(name, Kind.OPTIONAL_BOOL);
    }

    /**
     * This parameter's value in {@code query}: a String, Integer, Long, Boolean, List of String or List of Long, by
     * kind (a U64 is a Long holding the unsigned value's bits).
     */
    Object read(Map<String, List<String>> query) {
        switch (kind) {
            case TEXT:
                return first(query);
            case REQUIRED_TEXT:
                return required(query);
            case INT:
                return integer(query);
            case OPTIONAL_INT:
                if (!query.containsKey(name)) {
                    return 0;
                }
                if ("".equals(first(query))) {
                    throw bad(name + " is empty: give a number or leave " + name + " out");
                }
                return integer(query);
            case LIST:
                return items(query);
            case LONG_LIST:
                return longs(query);
            case LONG:
                return longValue(query, false);
            case U64:
                return longValue(query, true);
            case OPTIONAL_BOOL:
                return bool(query);
            default:
                throw new IllegalStateException("unknown parameter kind " + kind);
        }
    }

    private String first(Map<String, List<String>> query) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private String required(Map<String, List<String>> query) {
        String v = first(query);
        if (v == null || v.isEmpty()) {
            throw bad(name + " is required");
        }
        return v;
    }

    private Integer integer(Map<String, List<String>> query) {
        String v = required(query);
        try {
            return Integer.parseInt(decimal(v, true));
        } catch (NumberFormatException e) {
            throw bad(name + " must be an integer, was '" + v + "'");
        }
    }

    private Long longValue(Map<String, List<String>> query, boolean unsigned) {
        String v = required(query);
        try {
            return unsigned ? Long.parseUnsignedLong(decimal(v, false)) : Long.parseLong(decimal(v, true));
        } catch (NumberFormatException e) {
            throw bad(name + " must be " + (unsigned ? "an unsigned 64-bit decimal" : "an integer") + ", was '" + v
                    + "'");
        }
    }

    private Boolean bool(Map<String, List<String>> query) {
        String v = first(query);
        if (v == null) {
            return false;
        }
        switch (v) {
            case "true":
            case "1":
                return true;
            case "false":
            case "0":
                return false;
            default:
                throw bad(name + " must be true, false, 1 or 0, was '" + v + "'");
        }
    }

    private List<String> items(Map<String, List<String>> query) {
        List<String> raw = query.get(name);
        if (raw == null || raw.isEmpty()) {
            throw bad(name + " is required");
        }
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            for (String item : r.split(",", -1)) {
                // as sent: a key is compared byte for byte (" k9" and "k9" are two sessions' keys, as in goim)
                if (item.isEmpty()) {
                    throw bad(name + " holds an empty item");
                }
                out.add(item);
            }
        }
        return out;
    }

    private List<Long> longs(Map<String, List<String>> query) {
        List<Long> out = new ArrayList<>();
        for (String v : items(query)) {
            try {
                out.add(Long.parseLong(decimal(v, true)));
            } catch (NumberFormatException e) {
                throw bad(name + " must be integers, got '" + v + "'");
            }
        }
        return out;
    }

    /** {@code v} when it is an ASCII decimal ({@link io.jgoim.common.http.AsciiDecimal}); else NumberFormatException. */
    static String decimal(String v, boolean signed) {
        return io.jgoim.common.http.AsciiDecimal.check(v, signed);
    }

    private static JgoimException bad(String message) {
        return new JgoimException(ErrorCode.BAD_PARAMETER, message);
    }
}
