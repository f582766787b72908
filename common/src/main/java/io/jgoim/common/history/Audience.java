package io.jgoim.common.history;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The audience of a history entry that is not for every reader of its stream: the session keys it was addressed to
 * (a key push sits in its member's stream, but only the targeted devices get it; the member's other devices skip it
 * and still advance past its offset). Stored next to the entry as one opaque string: each key as its length in
 * decimal, a colon, then the key ({@code 3:abc5:k-two}), so any key (colons, spaces, newlines) round-trips.
 * Stateless.
 */
public final class Audience {
    private Audience() {
    }

    /** The stored form of {@code keys} (sorted, so the same set is always the same string); never empty. */
    public static String encode(Collection<String> keys) {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("an audience names at least one key");
        }
        StringBuilder b = new StringBuilder();
        for (String k : new TreeSet<>(keys)) {
            b.append(k.length()).append(':').append(k);
        }
        return b.toString();
    }

    /** The keys of a stored audience; an audience that is not in the stored form yields the keys read so far. */
    public static List<String> decode(String audience) {
        List<String> out = new ArrayList<>(2);
        int at = 0;
        while (at < audience.length()) {
            int colon = audience.indexOf(':', at);
            if (colon <= at) {
                break;
            }
            int len;
            try {
                len = Integer.parseInt(audience, at, colon, 10);
            } catch (NumberFormatException e) {
                break;
            }
            int end = colon + 1 + len;
            if (len < 0 || end > audience.length()) {
                break;
            }
            out.add(audience.substring(colon + 1, end));
            at = end;
        }
        return out;
    }

    /** True when the stored {@code audience} names {@code key}. */
    public static boolean contains(String audience, String key) {
        return decode(audience).contains(key);
    }
}
