package io.poolkit.accounting.scheme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SplitsTest {

    private static Map<String, BigInteger> weights(long... values) {
        Map<String, BigInteger> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(String.valueOf((char) ('a' + i)), BigInteger.valueOf(values[i]));
        }
        return map;
    }

    @Test
    void leftoverSatoshisGoToTheLargestRemainders() {
        // 100 over 1:1:1 = 33.33 each: one leftover, all remainders equal, so the first name gets it.
        assertEquals(Map.of("a", 34L, "b", 33L, "c", 33L), Splits.largestRemainder(100, weights(1, 1, 1)));
        // 10 over 3:3:4 = 3, 3, 4 exactly.
        assertEquals(Map.of("a", 3L, "b", 3L, "c", 4L), Splits.largestRemainder(10, weights(3, 3, 4)));
        // 10 over 1:2:4 = 1.43, 2.86, 5.71: floors 1+2+5 = 8, remainders .43 .86 .71 -> b and c get one each.
        assertEquals(Map.of("a", 1L, "b", 3L, "c", 6L), Splits.largestRemainder(10, weights(1, 2, 4)));
    }

    @Test
    void equalRemaindersGoToTheAccountWhoseNameSortsFirst() {
        Map<String, BigInteger> w = new LinkedHashMap<>();
        w.put("zed", BigInteger.ONE);
        w.put("amy", BigInteger.ONE);
        assertEquals(Map.of("amy", 1L), Splits.largestRemainder(1, w));
    }

    @Test
    void accountsThatEndWithNothingAreLeftOut() {
        assertEquals(Map.of("b", 1L), Splits.largestRemainder(1, weights(1, 5)));
        assertEquals(Map.of(), Splits.largestRemainder(0, weights(1, 5)));
    }

    @Test
    void feeIsRoundedDown() {
        assertEquals(0, Splits.fee(99, 100));
        assertEquals(1, Splits.fee(100, 100));
        assertEquals(625_000_000L * 3 / 100, Splits.fee(625_000_000L, 300));
        assertEquals(Long.MAX_VALUE, Splits.fee(Long.MAX_VALUE, 10_000));
        assertThrows(IllegalArgumentException.class, () -> Splits.fee(1, 10_001));
    }

    @Test
    void splittingOverNoWeightIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Splits.largestRemainder(5, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> Splits.largestRemainder(5, weights(0, 0)));
    }

    @Property(tries = 300)
    void creditsSumToTheAmountAndStayWithinOneSatoshiOfTheExactShare(
            @ForAll @LongRange(min = 0, max = 2_100_000_000_000_000L) long amount,
            @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 1, max = Long.MAX_VALUE) Long> raw) {
        Map<String, BigInteger> w = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            w.put("acct" + i, BigInteger.valueOf(raw.get(i)).shiftLeft(i * 3));
        }
        Map<String, Long> credits = Splits.largestRemainder(amount, w);
        assertEquals(amount, credits.values().stream().mapToLong(Long::longValue).sum());
        BigInteger total = w.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
        for (Map.Entry<String, BigInteger> e : w.entrySet()) {
            BigInteger floor = BigInteger.valueOf(amount).multiply(e.getValue()).divide(total);
            long got = credits.getOrDefault(e.getKey(), 0L);
            assertTrue(got == floor.longValueExact() || got == floor.longValueExact() + 1, e.getKey());
        }
        assertEquals(credits, Splits.largestRemainder(amount, new TreeMap<>(w)), "independent of map order");
    }

    @Property(tries = 100)
    void feeNeverExceedsTheAmount(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long amount,
                                  @ForAll @IntRange(min = 0, max = 10_000) int bps) {
        long fee = Splits.fee(amount, bps);
        assertTrue(fee >= 0 && fee <= amount);
    }
}
