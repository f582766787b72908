package io.jgoim.common.session;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The member table against a HashMap doing the same operations: inserts, replacements, deletes inside probe runs. */
class LongKeyedTableTest {
    /** A value carrying its key, as a member's routes carry its member id. */
    private record Entry(long key, int version) {
    }

    private final LongKeyedTable<Entry> table = new LongKeyedTable<>(Entry::key);
    private final Map<Long, Entry> model = new HashMap<>();

    @ParameterizedTest
    @ValueSource(ints = {8, 200, 5_000})
    void shouldAnswerAsAMapThroughInsertsReplacementsAndDeletes(int keySpace) {
        SplittableRandom random = new SplittableRandom(keySpace);
        for (int step = 0; step < 50_000; step++) {
            long key = random.nextInt(keySpace) * 0x1_0000_0001L; // spread over the sign bit and both halves
            int op = random.nextInt(3);
            Entry next = op == 0 ? null : new Entry(key, step);
            table.compute(key, old -> {
                assertThat(old).isEqualTo(model.get(key));
                return next;
            });
            if (next == null) {
                model.remove(key);
            } else {
                model.put(key, next);
            }
            if (step % 997 == 0) {
                assertSame();
            }
        }
        assertSame();
    }

    @Test
    void shouldDropWhatReplaceAllMapsToNullAndKeepTheRestFindable() {
        for (long k = 1; k <= 3_000; k++) {
            Entry e = new Entry(k, 0);
            table.compute(k, old -> e);
            model.put(k, e);
        }
        table.replaceAll(e -> e.key() % 3 == 0 ? null : e.key() % 3 == 1 ? new Entry(e.key(), 1) : e);
        model.values().removeIf(e -> e.key() % 3 == 0);
        model.replaceAll((k, e) -> k % 3 == 1 ? new Entry(k, 1) : e);
        assertSame();
        table.compute(3, old -> new Entry(3, 2));
        assertThat(table.get(3)).isEqualTo(new Entry(3, 2));
        assertThat(table.size()).isEqualTo(2_001);
    }

    @Test
    void shouldLeaveTheTableUnchangedWhenComputeAnswersTheSameValueOrNullForAnAbsentKey() {
        Entry e = new Entry(-7, 0);
        table.compute(-7, old -> e);
        table.compute(-7, old -> old);
        table.compute(42, old -> null);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.get(-7)).isSameAs(e);
        assertThat(table.get(42)).isNull();
    }

    private void assertSame() {
        assertThat(table.size()).isEqualTo(model.size());
        for (Map.Entry<Long, Entry> e : model.entrySet()) {
            assertThat(table.get(e.getKey())).isEqualTo(e.getValue());
        }
        for (long k = -3; k < 3; k++) {
            assertThat(table.get(k)).isEqualTo(model.get(k));
        }
    }
}
