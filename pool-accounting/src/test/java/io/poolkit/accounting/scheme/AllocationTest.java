package io.poolkit.accounting.scheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class AllocationTest {

    private static TreeMap<String, Long> credits(Object... pairs) {
        TreeMap<String, Long> map = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
        }
        return map;
    }

    @Test
    void acceptsCreditsFeeAndResidualThatAddUpToTheReward() {
        Allocation a = new Allocation(100, credits("a", 60, "b", 30), 7, 3);
        assertEquals(90, a.creditedSats());
    }

    @Test
    void rejectsAnAllocationThatDoesNotAddUp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Allocation(100, credits("a", 60, "b", 30), 7, 2));
        assertEquals(true, e.getMessage().contains("99"), e.getMessage());
    }

    @Test
    void rejectsNegativeOrEmptyLines() {
        assertThrows(IllegalArgumentException.class, () -> new Allocation(100, credits("a", 101), 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new Allocation(100, credits("a", 0), 0, 100));
        assertThrows(IllegalArgumentException.class, () -> new Allocation(-1, credits(), 0, 0));
    }

    @Test
    void rejectsOverflowInsteadOfWrappingAround() {
        assertThrows(ArithmeticException.class,
                () -> new Allocation(1, credits("a", Long.MAX_VALUE, "b", Long.MAX_VALUE), 0, 3));
    }

    @Test
    void creditsCannotBeChangedAfterwards() {
        TreeMap<String, Long> source = credits("a", 10);
        Allocation a = new Allocation(10, source, 0, 0);
        source.put("b", 5L);
        assertEquals(1, a.credits().size());
        assertThrows(UnsupportedOperationException.class, () -> a.credits().put("c", 1L));
    }
}
